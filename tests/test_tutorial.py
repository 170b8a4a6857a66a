"""The tutorial "Add a new year's pack", followed step by step to a working pack.

Every ```sh block of docs/tutorial.md runs, in order, in a scratch copy of the
repository's layout; every ```yaml block is merged into the new pack's file when
the tutorial reaches it, as a policy author would.  The new pack is installed
into the test environment for the run and removed afterwards.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from .test_docs import fences

REPO = Path(__file__).parents[1]
TUTORIAL = REPO / "docs" / "tutorial.md"


def merge(pack_file: Path, block: str) -> None:
    data: dict[str, Any] = yaml.safe_load(pack_file.read_text(encoding="utf-8"))
    for key, items in yaml.safe_load(block).items():
        data[key] = [*(data.get(key) or []), *items]
    pack_file.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def test_the_tutorial_builds_a_working_pack(tmp_path: Path) -> None:
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "cangnan2022").symlink_to(REPO / "packs" / "cangnan2022")
    (tmp_path / ".venv").symlink_to(Path(sys.executable).parents[1])
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    outputs: list[tuple[str, subprocess.CompletedProcess[str]]] = []
    pack_file = (
        tmp_path / "packs" / "cangnan2023" / "src" / "pairing_rules_cangnan2023" / "pack.yaml"
    )
    installed = False
    try:
        for block in fences(TUTORIAL):
            if block.info == "yaml":
                merge(pack_file, block.body)
                continue
            if block.info != "sh":
                continue
            for line in block.body.splitlines():
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                words = shlex.split(line)
                if words[1:4] == ["-m", "pip", "install"]:
                    words += ["--no-build-isolation", "-q"]  # no download of the build backend
                    installed = True
                done = subprocess.run(
                    words,
                    cwd=tmp_path,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=600,
                    check=False,
                )
                assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
                outputs.append((line, done))
        shown = subprocess.run(
            [".venv/bin/pairing-rules", "show", "cangnan2023", "--format", "json"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        provisions = {p["id"] for p in json.loads(shown.stdout)["provisions"]}
        # step 4's provision, step 6's rubric item, and the scaffold's example provision
        assert {
            "document.heading",
            "pairing.cross_region_schools",
            "rubric.county.research",
        } <= provisions
    finally:
        if installed:
            subprocess.run(
                [sys.executable, "-m", "pip", "uninstall", "-y", "-q", "pairing-rules-cangnan2023"],
                capture_output=True,
                timeout=300,
                check=False,
            )
    ran = {
        line.split()[1] if line.startswith(".venv/bin/pairing-rules") else line.split()[0]: done
        for line, done in outputs
    }
    assert "cangnan2023" in ran["packs"].stdout
    shows = [done.stdout for line, done in outputs if line.endswith("show cangnan2023")]
    assert "document.heading" in shows[0] and "跨地区结对学校数" not in shows[0]
    tests = [done.stdout for line, done in outputs if "-m pytest" in line]
    assert all(" passed" in out and "failed" not in out for out in tests)
    assert "[rubric_total]" in ran["audit"].stdout  # one item of 18 against the declared 100
    assert "18" in ran["audit"].stdout and "100" in ran["audit"].stdout
    diffs = [done.stdout for line, done in outputs if "diff cangnan2022 cangnan2023" in line]
    assert len(diffs) == 2 and "cangnan2022@2.1.0 → cangnan2023@0.1.0" in diffs[0]
