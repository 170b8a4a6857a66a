"""The report file's write buffer: the same bytes written through Python's default buffer and
through :data:`pairing_rules.io._atomic.WRITE_BUFFER`, in turn, in one process.

A JSON score report is written a record at a time, each a few kilobytes (about 8 KB for
cangnan2022), so with the default 8 KB buffer nearly every record is a system call of its
own.  This writes ``--pieces`` pieces of that size to a temporary file beside ``--folder``
with each buffer (and ``fsync``, as a report is committed), in turn, and prints the ratio
of the medians (large buffer / default)::

    python benchmarks/write_buffer.py --pieces 100000 --folder /tmp
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from pathlib import Path

from pairing_rules.io._atomic import WRITE_BUFFER

PIECE = 8_200  # bytes: one cangnan2022 result in the JSON report, about


def write(folder: Path, pieces: int, buffering: int) -> float:
    """Seconds to write ``pieces`` pieces through a buffer of ``buffering`` bytes and sync."""
    piece = os.urandom(PIECE)
    handle, name = tempfile.mkstemp(dir=folder)
    try:
        start = time.perf_counter()
        with os.fdopen(handle, "wb", buffering=buffering) as out:
            for _ in range(pieces):
                out.write(piece)
            out.flush()
            os.fsync(out.fileno())
        return time.perf_counter() - start
    finally:
        os.unlink(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pieces", type=int, default=100_000)
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    default, large = [], []
    for _ in range(args.repeat):  # in turn, so that a drift of the machine's speed hits both
        default.append(write(args.folder, args.pieces, io.DEFAULT_BUFFER_SIZE))
        large.append(write(args.folder, args.pieces, WRITE_BUFFER))
    size = args.pieces * PIECE / 1e6
    print(f"{args.pieces:,} pieces of {PIECE:,} bytes ({size:,.0f} MB), {args.repeat} runs each")
    print(
        f"  default buffer ({io.DEFAULT_BUFFER_SIZE:,} B): median {statistics.median(default):.2f} s"
    )
    print(f"  report buffer ({WRITE_BUFFER:,} B): median {statistics.median(large):.2f} s")
    ratio = statistics.median(b / a for a, b in zip(default, large, strict=True))
    print(f"  ratio (report / default), median of the pairs: {ratio:.2f}")


if __name__ == "__main__":
    main()
