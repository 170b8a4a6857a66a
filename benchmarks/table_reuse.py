"""The table path on table after table: a scorer's reading and output expressions built for
each table, and kept for the next table of the same columns, in turn, in one process.

A Dask frame is scored a partition at a time (``map_partitions``) and a stream a batch at a
time, each by the same :class:`~pairing_rules.TableScorer`.  The expressions that read a
table into typed, checked columns depend only on its columns' types and the spellings of its
vocabulary, and the output columns only on the scorer: they are kept and reused.  This scores
``--rows`` synthetic cangnan2022 community-years in tables of ``--size`` rows, building the
expressions for every table (the cache cleared) and reusing them, in turn, and prints the ratio
of the medians (reused / built)::

    python benchmarks/table_reuse.py --rows 100000 --size 5000
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import pairing_rules as pr
from pairing_rules import _frames


def run(scorer: pr.TableScorer, tables: list[Any], *, reuse: bool) -> float:
    """Seconds to score every table, keeping the expressions or building them for each."""
    start = time.perf_counter()
    for table in tables:
        if not reuse:
            _frames._reading.cache_clear()
            scorer.__dict__.pop("_outputs", None)
        scorer.score(table)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--size", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    frame = pr.synthetic_community_years(args.rows, seed=2022)
    tables = [frame.slice(at, args.size) for at in range(0, frame.height, args.size)]
    scorer = pr.TableScorer("cangnan2022")
    built, reused = [], []
    for _ in range(args.repeat):  # in turn, so that a drift of the machine's speed hits both
        built.append(run(scorer, tables, reuse=False))
        reused.append(run(scorer, tables, reuse=True))
    print(f"{args.rows:,} rows in {len(tables)} tables of {args.size:,}, {args.repeat} runs each")
    print(f"  expressions built for each table: median {statistics.median(built):.3f} s")
    print(f"  expressions kept and reused: median {statistics.median(reused):.3f} s")
    ratio = statistics.median(b / a for a, b in zip(built, reused, strict=True))
    print(f"  ratio (reused / built), median of the pairs: {ratio:.2f}")


if __name__ == "__main__":
    main()
