"""``score`` and ``check`` on the command line: ``--outside-period`` and ``--series``.

The series ``demo`` is the two yearly demo packs of :mod:`tests.test_period`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import pairing_rules as pr
from pairing_rules import Pack, Registry, hookimpl
from pairing_rules._registry import use_registry
from pairing_rules._result_schema import result_schema
from pairing_rules.cli import main

from .test_period import community, yearly_pack


class SeriesPlugin:
    """A plugin providing the two yearly demo packs of the series ``demo``."""

    @hookimpl
    def pairing_rules_packs(self) -> list[Pack]:
        return [yearly_pack(2022, bonus="0"), yearly_pack(2023, bonus="2")]


@pytest.fixture
def series_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    from pairing_rules import _registry

    monkeypatch.setattr(_registry, "_default", None)
    use_registry(Registry([SeriesPlugin()], autoload=False))


def _input(tmp_path: Path, *records: dict[str, Any]) -> str:
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"communities": list(records)}, ensure_ascii=False), "utf-8")
    return str(path)


def test_the_command_line_scores_a_series_and_names_each_pack(
    series_installed: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _input(tmp_path, community("A", 2022), community("B", 2023))
    code = main(["score", "--series", "demo", data, "--format", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    payload = json.loads(out.out)
    # A (2022) on demo2022: 90; B (2023) on demo2023: 92 (the studio's 2 points)
    assert [
        (part["pack"], r["id"], r["total"]) for part in payload["parts"] for r in part["results"]
    ] == [("demo2022@0.1.0", "A", 90), ("demo2023@0.1.0", "B", 92)]
    # the published contract: the JSON Schema of the result, and the model reads it back
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(payload, result_schema("series-score"))
    assert pr.SeriesScoreReport.model_validate_json(out.out).model_dump(mode="json") == payload
    assert main(["check", "--series", "demo", data, "--format", "json"]) == 0
    checked = capsys.readouterr().out
    jsonschema.validate(json.loads(checked), result_schema("series-check"))
    pr.SeriesCheckReport.model_validate_json(checked)


def test_the_command_line_rejects_outside_the_period_unless_asked(
    series_installed: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _input(tmp_path, community("B", 2023))
    code = main(["score", "demo2022", data, "--format", "json"])
    out = capsys.readouterr()
    assert code == 2  # a rejected record
    payload = json.loads(out.out)
    assert payload["results"] == []
    assert payload["period"] == {"effective_from": "2022-01-01", "effective_until": "2022-12-31"}
    (rejected,) = payload["rejected"]
    assert rejected["errors"][0]["code"] == "outside_period"
    assert "demo2022@0.1.0 的适用期（2022年1月1日 至 2022年12月31日）" in out.err
    code = main(["score", "demo2022", data, "--format", "json", "--outside-period"])
    out = capsys.readouterr()
    assert code == 0, out.err
    (sheet,) = json.loads(out.out)["results"]
    assert (sheet["total"], sheet["period"]["status"]) == (90, "outside")  # 2022's studio: 0
    code = main(["check", "demo2022", data, "--format", "json", "--outside-period"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert json.loads(out.out)["results"][0]["period"]["status"] == "outside"


def test_the_command_line_names_an_unknown_series_and_wants_one_target(
    series_installed: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _input(tmp_path, community("A", 2022))
    assert main(["score", "--series", "nosuch", data]) == 2
    err = capsys.readouterr().err
    assert "没有规则包属于系列 nosuch；已安装的系列：demo" in err
    assert main(["check", "demo2022", data, "--series", "demo"]) == 2
    assert "请只给出规则包（demo2022）或 --series（demo）之一" in capsys.readouterr().err
    assert "Traceback" not in err


def test_the_text_report_says_how_many_records_were_scored_outside_the_period(
    series_installed: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A (2022) within, B (2023) and C (2025) outside 2022-01-01 – 2022-12-31: 2 of them
    data = _input(tmp_path, community("A", 2022), community("B", 2023), community("C", 2025))
    assert main(["score", "demo2022", data, "--outside-period"]) == 0
    out = capsys.readouterr().out
    assert (
        "其中 2 条记录的年度在适用期（2022年1月1日 至 2022年12月31日）以外，按 --outside-period 评分"
        in out
    )
