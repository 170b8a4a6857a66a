"""The server's limits, from the command line or the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Final

#: the largest request body read, in bytes (``PAIRING_RULES_SERVE_MAX_BYTES``)
MAX_BYTES: Final = 20 * 1024 * 1024
#: the most records one request may hold (``PAIRING_RULES_SERVE_MAX_RECORDS``)
MAX_RECORDS: Final = 20_000
BYTES_ENV: Final = "PAIRING_RULES_SERVE_MAX_BYTES"
RECORDS_ENV: Final = "PAIRING_RULES_SERVE_MAX_RECORDS"
#: the worker processes that score and check uploads (``pairing-rules serve --workers``)
WORKERS_ENV: Final = "PAIRING_RULES_SERVE_WORKERS"


def _env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


@dataclass(frozen=True)
class Settings:
    """What the server allows.

    :param max_bytes: the largest request body, in bytes (a larger one: 413).
    :param max_records: the most records in one request (more: 413).
    :param scorers: how many scorers (a pack under one set of interpretations) are kept.
    :param workers: the worker processes that score and check uploads, each taking the next
        job when it is free (0 or 1: in the server's own threads).
    """

    max_bytes: int = MAX_BYTES
    max_records: int = MAX_RECORDS
    scorers: int = 32
    workers: int = 0

    @classmethod
    def from_env(cls) -> Settings:
        """The settings ``PAIRING_RULES_SERVE_MAX_BYTES``, ``…_MAX_RECORDS`` and ``…_WORKERS``
        give (or the defaults)."""
        return cls(
            max_bytes=_env(BYTES_ENV, MAX_BYTES),
            max_records=_env(RECORDS_ENV, MAX_RECORDS),
            workers=_env(WORKERS_ENV, 0),
        )
