"""Benchmark: how fast, and in how little memory, hostile workbooks are refused.

    .venv/bin/python benchmarks/hostile_files.py [--runs 3] [--limit-mb 512]

Builds, with the builders of the test corpus (``tests/hostile.py``):

- a zip bomb: a valid two-row workbook with one more member of 1 GiB of zeros, about 1 MB
  on disk (refused from the sizes its directory declares);
- the same bomb declaring 10 bytes for that member (refused once a member yields more than
  it declared);
- workbooks with one value far away: at ``XFD1048576`` (the last cell Excel allows), at
  ``AMJ1048576`` (LibreOffice's last column) and at ``XFD1`` (the last column of row 1);

and runs ``pairing-rules score cangnan2022 FILE`` on each in a process of its own, which
first scores the good two-row workbook (so that the imports and the pack are loaded), then
times the refusal (wall and CPU) and reports its own peak resident memory (``VmHWM``)
before and after; each file runs once more with the process's address space limited
(``RLIMIT_AS``, ``--limit-mb``), to show the refusal needs no more.  Prints one JSON object
per file.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

#: runs in the measured process: a good workbook first (the imports and the pack loaded),
#: then the hostile one, timed; the process's own peak memory before and after
_MEASURED = """
import contextlib, io, json, resource, sys, time
limit = int(sys.argv[3])
if limit:
    resource.setrlimit(resource.RLIMIT_AS, (limit << 20, limit << 20))
from pairing_rules.cli import main

def peak():
    return int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) // 1024

def run(path):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["score", "cangnan2022", path])
    return code, err.getvalue().strip().replace(chr(10), " | ")

run(sys.argv[2])
before = peak()
wall, cpu = time.perf_counter(), time.process_time()
code, message = run(sys.argv[1])
print(json.dumps({"exit": code, "seconds": time.perf_counter() - wall,
                  "cpu_seconds": time.process_time() - cpu, "peak_mb_before": before,
                  "peak_mb": peak(), "message": message}, ensure_ascii=False))
"""


def _hostile() -> Any:
    spec = importlib.util.spec_from_file_location("hostile", REPO / "tests" / "hostile.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(folder: Path) -> dict[str, Path]:
    """The hostile workbooks, by name."""
    h = _hostile()
    good = h.write_xlsx(folder / "good.xlsx", h.rows(2))
    with zipfile.ZipFile(good) as src:
        members = {i.filename: src.read(i.filename) for i in src.infolist()}
    out = {}
    bomb = folder / "bomb.xlsx"
    bomb.write_bytes(h.raw_zip({**members, "xl/media/padding.bin": h.zeros(1024)}))
    out["zip bomb: 1 GiB of zeros in one member"] = bomb
    liar = folder / "liar.xlsx"
    liar.write_bytes(
        h.raw_zip(
            {**members, "xl/media/padding.bin": h.zeros(1024)},
            declared={"xl/media/padding.bin": 10},
        )
    )
    out["zip bomb declaring 10 bytes"] = liar
    for ref in ("XFD1048576", "AMJ1048576", "XFD1"):
        path = folder / f"far-{ref}.xlsx"
        h.patch_zip(good, path, h.SHEET1, lambda xml, r=ref: h.add_cell(xml, r))
        out[f"one value at {ref}"] = path
    return out


def measure(path: Path, good: Path, limit_mb: int) -> dict[str, Any]:
    """One run in a process of its own (``limit_mb``: its address space, 0 for none)."""
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURED, str(path), str(good), str(limit_mb)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        return {"failed": proc.stderr.strip()[-500:]}
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per file (the slowest is shown)")
    parser.add_argument("--limit-mb", type=int, default=512, help="the address-space limit")
    args = parser.parse_args()
    print(
        json.dumps(
            {
                "python": platform.python_version(),
                "machine": platform.machine(),
                "cpus": os.cpu_count(),
                "load_average_1min": round(os.getloadavg()[0], 2),
            }
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        files = build(Path(tmp))
        good = Path(tmp) / "good.xlsx"
        for name, path in files.items():
            runs = [measure(path, good, 0) for _ in range(args.runs)]
            done = [r for r in runs if "failed" not in r]
            limited = measure(path, good, args.limit_mb)
            result: dict[str, Any] = {"file": name, "bytes": path.stat().st_size}
            if done:
                result.update(
                    exit=done[0]["exit"],
                    seconds_max=round(max(r["seconds"] for r in done), 3),
                    cpu_seconds_max=round(max(r["cpu_seconds"] for r in done), 3),
                    peak_mb_before=max(r["peak_mb_before"] for r in done),
                    peak_mb_max=max(r["peak_mb"] for r in done),
                    message=done[0]["message"],
                )
            result["failed_runs"] = len(runs) - len(done)
            result[f"under_{args.limit_mb}_mb_address_space"] = (
                limited.get("exit") if "failed" not in limited else limited["failed"]
            )
            print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
