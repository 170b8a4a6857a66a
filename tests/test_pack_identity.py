"""A pack is the same wherever it is loaded from, and every result says what produced it."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import pairing_rules as pr
from pairing_rules import Finding, Pack, Registry, Source, Status, hookimpl

REPO = Path(__file__).resolve().parents[1]
SAMPLES = {
    "cangnan2022": "communities-2022.json",
    "zhejiang2021": "communities-2021.json",
    "zhejiang2019": "pairs-2019.json",
    "shandong2016": "pairs-2016.json",
    "hunan2016": "regions-pairs.json",
}
AS_OF = dt.date(2022, 7, 1)


def results(pack: Pack) -> bytes:
    """Every result of the pack on its bundled sample, as JSON bytes."""
    data = json.loads((REPO / "packs" / pack.id / "examples" / SAMPLES[pack.id]).read_text("utf-8"))
    out: dict[str, Any] = {
        "check": pr.check(pack, data, as_of=AS_OF).as_json(),
        "audit": pr.audit(pack).as_json(),
    }
    if pack.definition.rubrics:
        out["score"] = pr.score(pack, data).as_json()
    return json.dumps(out, ensure_ascii=False, sort_keys=True).encode("utf-8")


def strip_origin(blob: bytes) -> bytes:
    """The results without who provided the pack (a pack loaded from a path has no distribution)."""

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: (None if k == "origin" else walk(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return json.dumps(walk(json.loads(blob)), ensure_ascii=False, sort_keys=True).encode()


@pytest.mark.parametrize("pack_id", sorted(SAMPLES))
def test_a_pack_loaded_from_its_directory_is_the_installed_pack(pack_id: str) -> None:
    installed = Registry().get_pack(pack_id)
    loaded = pr.load_pack(REPO / "packs" / pack_id)
    assert loaded.content_hash == installed.content_hash
    assert loaded.record_types == installed.record_types
    assert [o.plugin for _p, o in loaded.plugins] == [f"pairing_rules_{pack_id}"]
    assert strip_origin(results(loaded)) == strip_origin(results(installed))


def test_the_hash_covers_the_pack_module(tmp_path: Path) -> None:
    source = REPO / "packs" / "cangnan2022" / "src" / "pairing_rules_cangnan2022"
    copy = tmp_path / source.name
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
    same = pr.load_pack(copy)
    assert same.content_hash == pr.load_pack(source).content_hash
    init = copy / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8") + "\n# a change of code\n", encoding="utf-8")
    other = tmp_path / "other" / source.name
    shutil.copytree(copy, other)
    assert pr.load_pack(other).content_hash != same.content_hash


class CrossRegionCount:
    """A test plugin that extends cangnan2022 with one check."""

    @hookimpl
    def pairing_rules_extends(self) -> list[str]:
        return ["cangnan2022"]

    @hookimpl
    def pairing_rules_check(
        self, pack: Pack, dataset: Any, choices: Any, context: Any
    ) -> list[Finding]:
        source = Source(section="三(一)1", quote="落实义务教育阶段帮扶结对校 8 所")
        cross = [r for r in dataset.records("communities") if r.scope is pr.Scope.CROSS_REGION]
        return [
            Finding(
                requirement="plugin.cross_region",
                label="跨地区教共体",
                status=Status.INFO,
                group="全部",
                observed=len(cross),
                source=source,
                message=f"跨地区教共体 {len(cross)} 个",
            )
        ]


def test_an_extension_is_named_in_every_result_and_changes_its_provenance() -> None:
    before = results(Registry().get_pack("cangnan2022"))
    extended = Registry([CrossRegionCount()]).get_pack("cangnan2022")
    blob = json.loads(results(extended))
    for kind in ("check", "audit", "score"):
        provenance = blob[kind]["provenance"]
        assert [e["plugin"] for e in provenance["extensions"]] == ["CrossRegionCount"]
        assert provenance["hash"] == extended.provenance != extended.content_hash
    # 附件1 lists 8 cross-region communities, and the sample has the same 8
    (finding,) = [g for g in blob["check"]["groups"] if g["requirement"] == "plugin.cross_region"]
    assert finding["observed"] == 8
    # without the plugin, results are byte for byte what they were
    assert results(Registry().get_pack("cangnan2022")) == before
    assert b"plugin.cross_region" not in before
