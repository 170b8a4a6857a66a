"""Where an upload is scored or checked: in this process's threads, or in worker processes.

With ``pairing-rules serve --workers N`` (N > 1), one process answers HTTP and N
worker processes do the heavy part of a score or check request: reading the
upload, running the pack and writing the report.  The jobs wait in one queue,
and a worker takes the next one when it is free.  So when many uploads arrive
at once, none waits behind a busy worker while another is idle, as it would if
each of N server processes kept the uploads it happened to accept.

A worker loads the installed packs once and keeps its own scorers; it keeps
nothing of a request.  A job's records and report stay in the request's own
temporary folder, which the request removes when it ends.  An error arrives
whole (its class, code, place and value; :class:`~pairing_rules._errors.ErrorInfo`
pickles).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from fastapi.concurrency import run_in_threadpool

from .._i18n import Lang, Text
from .._pack import Pack
from .._registry import Registry
from ._failures import RequestError
from ._jobs import Result, Scorers, Upload, check_result, score_result

logger = logging.getLogger("pairing_rules.serve")


class Jobs:
    """Runs the score and check jobs of requests.

    :param registry: the packs served.
    :param processes: the worker processes (0 or 1: the jobs run in this process's threads).
        Worker processes load the installed packs, so they serve only ``Registry()``: a
        registry of other packs keeps its jobs in this process.
    :param scorers: how many scorers each process keeps.
    """

    def __init__(self, registry: Registry, processes: int, scorers: int, *, installed: bool):
        self.registry = registry
        self.scorers = Scorers(scorers)
        self.processes = processes if processes > 1 and installed else 0
        self._size = scorers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the worker processes and let each load the packs before the first request."""
        if not self.processes:
            return
        pool = self._executor()
        for done in [pool.submit(_ready) for _n in range(self.processes)]:
            done.result()

    def close(self) -> None:
        """Stop the worker processes (a job under way is finished first)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start,
                    initargs=(self._size,),
                )
            return self._pool

    async def score(
        self, pack: Pack, upload: Upload, *, kind: str, lang: Lang, folder: Path, limit: int
    ) -> Result:
        """Score the request's records into the result ``kind`` (json, xlsx or html)."""
        if not self.processes:
            scorer = await run_in_threadpool(
                self.scorers.get, pack, upload.overrides, upload.rubric, upload.outside_period
            )
            return await run_in_threadpool(
                score_result,
                pack,
                scorer,
                upload,
                kind=kind,
                lang=lang,
                folder=folder,
                limit=limit,
            )
        return await self._in_worker(_score_job, pack.ref, upload, kind, lang, folder, limit)

    async def check(
        self, pack: Pack, upload: Upload, *, kind: str, lang: Lang, folder: Path, limit: int
    ) -> Result:
        """Check the request's records; the result ``kind`` (json, xlsx or html)."""
        if not self.processes:
            return await run_in_threadpool(
                check_result, pack, upload, kind=kind, lang=lang, folder=folder, limit=limit
            )
        return await self._in_worker(_check_job, pack.ref, upload, kind, lang, folder, limit)

    async def _in_worker(self, job: Any, *args: Any) -> Result:
        pool = self._executor()
        try:
            result: Result = await asyncio.get_running_loop().run_in_executor(pool, job, *args)
        except BrokenProcessPool:
            # a worker died (killed, out of memory): the next request gets a fresh set
            logger.error("a worker process stopped; starting the workers again")
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise RequestError(
                "internal_error",
                Text(
                    zh="处理该请求的工作进程意外退出，请稍后重试；若再次发生，请报告此问题",
                    en="the worker process handling this request stopped unexpectedly; try "
                    "again, and report it if it happens again",
                ),
            ) from None
        return result


# ------------------------------------------------------------------ in a worker process

_REGISTRY: Registry | None = None
_SCORERS: Scorers | None = None


def _start(size: int) -> None:
    """A worker process's start: the installed packs, loaded once."""
    global _REGISTRY, _SCORERS
    _REGISTRY = Registry()
    _REGISTRY.list_packs()
    _SCORERS = Scorers(size)


def _ready() -> bool:
    return _REGISTRY is not None


def _worker_pack(ref: str) -> tuple[Pack, Scorers]:
    assert _REGISTRY is not None
    assert _SCORERS is not None
    return _REGISTRY.get_pack(ref), _SCORERS


def _score_job(ref: str, upload: Upload, kind: str, lang: Lang, folder: Path, limit: int) -> Result:
    pack, scorers = _worker_pack(ref)
    scorer = scorers.get(pack, upload.overrides, upload.rubric, upload.outside_period)
    return score_result(pack, scorer, upload, kind=kind, lang=lang, folder=folder, limit=limit)


def _check_job(ref: str, upload: Upload, kind: str, lang: Lang, folder: Path, limit: int) -> Result:
    pack, _scorers = _worker_pack(ref)
    return check_result(pack, upload, kind=kind, lang=lang, folder=folder, limit=limit)
