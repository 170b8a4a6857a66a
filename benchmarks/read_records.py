"""Benchmark: read and validate a large CSV file of community-years, one record at a time.

    .venv/bin/python benchmarks/read_records.py [--rows 200000] [--seed 2022]

Writes ``pairing_rules.synthetic_community_years(rows, seed=seed)`` to a CSV
file (list columns joined by 、, as a workbook saved as CSV holds them), then
reads it with :func:`pairing_rules.io.open_records` in a loop that keeps
nothing, and reports the time and the peak memory of the process (its maximum
resident set size, which includes the interpreter and the libraries loaded).
The data is generated in a process of its own, so the one measured holds only
the reader.
It also times :func:`pairing_rules.io.read_dataset`, which keeps every record.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_csv(path: Path, rows: int, seed: int) -> None:
    import polars as pl

    import pairing_rules as pr

    frame = pr.synthetic_community_years(rows, seed=seed)
    columns = [
        pl.col(name).cast(pl.List(pl.Utf8)).list.join("、").alias(name)
        if isinstance(dtype, pl.List)
        else pl.col(name)
        for name, dtype in frame.schema.items()
    ]
    frame.select(columns).write_csv(path)


def peak_mb() -> float:
    """The process's peak resident set size so far, in MB (``VmHWM`` where Linux gives it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    scale = 1024 if sys.platform != "darwin" else 1
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--collect", action="store_true", help="also time read_dataset")
    parser.add_argument("--write", metavar="CSV", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        write_csv(Path(args.write), args.rows, args.seed)
        return

    from pairing_rules._models import CORE_RECORD_TYPES
    from pairing_rules.io import open_records, read_dataset

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "community-years.csv"
        # the data is made in a process of its own: the one measured holds only the reader
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--write",
                str(path),
                "--rows",
                str(args.rows),
                "--seed",
                str(args.seed),
            ],
            check=True,
        )
        size = path.stat().st_size
        before = peak_mb()
        load = os.getloadavg()[0]
        start, cpu = time.perf_counter(), time.process_time()
        count = 0
        with open_records(path, CORE_RECORD_TYPES, ["communities"]) as stream:
            for _entry in stream:
                count += 1
        streamed, cpu = time.perf_counter() - start, time.process_time() - cpu
        result = {
            "rows": args.rows,
            "csv_bytes": size,
            "records": count,
            "rejected": len(stream.rejected),
            "open_records_s": round(streamed, 2),
            "open_records_cpu_s": round(cpu, 2),
            "load_average_1min_before": round(load, 2),
            "rows_per_s": round(count / streamed),
            "peak_rss_mb_before_reading": round(before),
            "peak_rss_mb": round(peak_mb()),
            "python": platform.python_version(),
            "machine": platform.machine(),
        }
        if args.collect:
            start = time.perf_counter()
            dataset = read_dataset(path, CORE_RECORD_TYPES, ["communities"])
            result["read_dataset_s"] = round(time.perf_counter() - start, 2)
            result["read_dataset_records"] = dataset.size
            result["peak_rss_mb_after_read_dataset"] = round(peak_mb())
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
