"""Benchmark of the server: concurrent clients upload the province workbook and time the answers.

Run from the repository root::

    .venv/bin/python benchmarks/serve.py                       # 8 clients × 25 uploads, 2 workers
    .venv/bin/python benchmarks/serve.py --clients 4 --uploads 10 --workers 1

It writes the 1,500-row province workbook the way ``benchmarks/run.py`` writes it
(the same generator, the same seed), starts ``pairing-rules serve`` on a free
port of this machine, and lets each client upload it ``--uploads`` times to
``POST /api/v1/packs/cangnan2022/score`` (the JSON answer), one request after
the other.  Every answer is checked: the first one in full (status 200, every
record scored or rejected), and every later one against it byte for byte (the
same upload gives the same bytes, whichever worker and however many requests
at once).  The clients share the machine with the server, so they do no more
work per answer than that comparison: reading 12 MB of JSON into Python
objects would cost each client about as much CPU as the server spends
scoring the upload.  It reports the errors (to be 0), the latency (median, p95, max),
the throughput and the server's peak memory: the high-water mark (``VmHWM``) of
every process of the server, summed.  This is a benchmark, not a test: it is
not part of the test suite.  Every request goes to 127.0.0.1 and the run ends
by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import PROVINCE_ROWS, write_province_workbook  # noqa: E402

PACK = "cangnan2022"
BOUNDARY = "pairing-rules-benchmark"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def body_of(workbook: Path) -> bytes:
    """The multipart body of one upload of ``workbook``."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{workbook.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    return head + workbook.read_bytes() + f"\r\n--{BOUNDARY}--\r\n".encode()


def tree(pid: int) -> list[int]:
    """``pid`` and every process below it (Linux ``/proc``)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except OSError:
            continue
    return out


def high_water_mb(pid: int) -> float:
    """A process's peak resident memory (``VmHWM``), in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def wait_ready(base: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server stopped before it was ready")
        try:
            with urllib.request.urlopen(f"{base}/api/v1/packs", timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise SystemExit("the server did not start in time")


def upload(url: str, body: bytes) -> tuple[int, bytes]:
    """One upload: the answer's status and bytes."""
    headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=300) as answer:
        return answer.status, answer.read()


def reference(url: str, body: bytes) -> bytes:
    """The answer every upload must give, checked in full: status 200, every record scored
    or rejected."""
    status, payload = upload(url, body)
    if status != 200:
        raise SystemExit(f"the first upload gave status {status}")
    report = json.loads(payload)
    handled = len(report["results"]) + len(report["rejected"])
    if handled != PROVINCE_ROWS:
        raise SystemExit(f"the first upload handled {handled} of {PROVINCE_ROWS} records")
    return payload


def client(
    url: str,
    body: bytes,
    uploads: int,
    expected: bytes,
    latencies: list[float],
    errors: list[str],
) -> None:
    for _ in range(uploads):
        start = time.perf_counter()
        try:
            status, payload = upload(url, body)
            elapsed = time.perf_counter() - start
            if status != 200 or payload != expected:
                errors.append(f"status {status}, {len(payload)} bytes unlike the first answer's")
            latencies.append(elapsed)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--uploads", type=int, default=25, help="uploads per client")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--json", metavar="FILE", help="write the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pairing-rules-bench-") as folder:
        workbook = Path(folder) / "province.xlsx"
        write_province_workbook(workbook, args.seed)
        body = body_of(workbook)
        port = free_port()
        script = Path(sys.executable).with_name("pairing-rules")
        server = subprocess.Popen(
            [str(script), "serve", "--port", str(port), "--workers", str(args.workers)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        expected = b""
        try:
            wait_ready(base, server)
            url = f"{base}/api/v1/packs/{PACK}/score"
            expected = reference(url, body)
            # one more request per worker, so that every worker's scorer is built before the
            # clock starts
            warm: list[float] = []
            errors: list[str] = []
            for _ in range(args.workers):
                client(url, body, 1, expected, warm, errors)
            latencies: list[float] = []
            threads = [
                threading.Thread(
                    target=client, args=(url, body, args.uploads, expected, latencies, errors)
                )
                for _ in range(args.clients)
            ]
            start = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - start
            processes = tree(server.pid)
            memory = {pid: high_water_mb(pid) for pid in processes}
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    figures: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "clients": args.clients,
        "uploads_per_client": args.uploads,
        "workers": args.workers,
        "rows_per_upload": PROVINCE_ROWS,
        "workbook_bytes": workbook_size(body),
        "answer_bytes": len(expected),
        "requests": len(latencies),
        "errors": len(errors),
        "error_examples": errors[:3],
        "median_s": statistics.median(latencies) if latencies else None,
        "p95_s": percentile(latencies, 0.95),
        "max_s": max(latencies) if latencies else None,
        "wall_s": wall,
        "requests_per_s": len(latencies) / wall if wall else None,
        "server_peak_mb_sum": sum(memory.values()),
        "server_peak_mb_per_process": sorted(memory.values(), reverse=True),
    }
    print(
        f"{figures['requests']} uploads of {PROVINCE_ROWS} rows by {args.clients} clients, "
        f"{args.workers} worker(s): errors {figures['errors']}, median {figures['median_s']:.2f} s, "
        f"p95 {figures['p95_s']:.2f} s (target ≤ 2 s), max {figures['max_s']:.2f} s, "
        f"{figures['requests_per_s']:.2f} uploads/s; server peak memory "
        f"{figures['server_peak_mb_sum']:.0f} MB over {len(memory)} processes (target < 1 GB)"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")


def workbook_size(body: bytes) -> int:
    return len(body)


if __name__ == "__main__":
    main()
