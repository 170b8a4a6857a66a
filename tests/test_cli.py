"""The command line, run as a user runs it (a subprocess), with its JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .cli_helpers import run

SAMPLE = Path(__file__).parents[1] / "packs" / "cangnan2022" / "examples" / "communities-2022.json"


def test_help_and_version() -> None:
    result = run("--help")
    assert result.code == 0
    assert "score" in result.out and "结对帮扶" in result.out
    assert run("--version").out.startswith("pairing-rules ")


def test_packs_json_contract() -> None:
    result = run("packs", "--format", "json")
    assert result.code == 0, result.err
    packs = result.json
    assert isinstance(packs, list) and packs
    for pack in packs:
        assert set(pack) >= {"id", "version", "title", "issuer", "doc_number", "published"}
        assert pack["published"] is None or len(pack["published"]) == 10


def test_show_json_contract() -> None:
    result = run("show", "cangnan2022", "--format", "json")
    assert result.code == 0, result.err
    data = result.json
    assert set(data) >= {"id", "version", "document", "provisions"}
    assert data["document"]["doc_number"] is None
    for provision in data["provisions"]:
        assert set(provision) >= {"id", "kind", "value", "source"}
        assert set(provision["source"]) == {"section", "quote"}


def test_audit_json_contract() -> None:
    result = run("audit", "cangnan2022", "--format", "json")
    assert result.code == 0, result.err
    data = result.json
    assert data["pack"].startswith("cangnan2022@")
    for finding in data["findings"]:
        assert set(finding) >= {"code", "message", "observed", "expected", "source"}


def test_text_output_is_chinese_by_default_and_english_on_request() -> None:
    zh = run("audit", "cangnan2022")
    en = run("audit", "cangnan2022", "--lang", "en")
    assert "不一致" in zh.out
    assert "inconsistencies" in en.out
    # a finding is named by what it is, never by its code; brackets are printed, not markup
    assert "【细则各项之和与总分不符】" in zh.out and "rubric_total" not in zh.out
    assert "[rubric items do not add up to the total]" in en.out


@pytest.mark.parametrize(
    ("args", "zh"),
    [
        (("show", "nope"), "没有名为 nope 的规则包"),
        (("score", "cangnan2022", "missing.json"), "文件不存在"),
        (("score", "cangnan2022", "x.txt"), "不支持的文件类型"),
        (
            ("score", "cangnan2022", str(SAMPLE), "--set", "cangnan2022.partial_credit=maybe"),
            "不接受取值",
        ),
        (("score", "cangnan2022", str(SAMPLE), "--rubric", "nope"), "没有考核细则 nope"),
        (("check", "cangnan2022", str(SAMPLE), "--as-of", "2022-13-01"), "--as-of 应为日期"),
    ],
)
def test_user_mistakes_get_a_message_not_a_traceback(args: tuple[str, ...], zh: str) -> None:
    result = run(*args)
    assert result.code == 2
    assert zh in result.err
    assert "Traceback" not in result.err


def test_bad_json_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"communities": [\n  {"id": "A",}\n]}', encoding="utf-8")
    result = run("score", "cangnan2022", str(bad), "--lang", "en")
    assert result.code == 2
    assert "line 2 column" in result.err and "bad.json" in result.err


def test_score_rejects_bad_records_and_scores_the_rest(tmp_path: Path) -> None:
    data = {
        "communities": [
            {"id": "OK", "type": "融合型", "scope": "县域内", "year": 2022, "satisfaction": 90},
            {"id": "NEG", "type": "融合型", "scope": "县域内", "year": 2022, "sync_lessons": -1},
            {"id": "PCT", "type": "融合型", "scope": "县域内", "year": 2022, "satisfaction": 120},
            {"id": "TYP", "type": "合作型", "scope": "县域内", "year": 2022},
            {"type": "融合型", "scope": "县域内", "year": 2022},
        ]
    }
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("score", "cangnan2022", str(path), "--format", "json")
    assert result.code == 2
    out = result.json
    assert [r["id"] for r in out["results"]] == ["OK"]
    rejected = {(r["index"], r["id"]): r["errors"][0]["field"] for r in out["rejected"]}
    assert rejected == {
        (1, "NEG"): "sync_lessons",
        (2, "PCT"): "satisfaction",
        (3, "TYP"): "type",
        (4, None): "id",
    }
    assert "第 2 条（编号 NEG）：“城乡同步课堂节数”不能小于 0，实际为 -1" in result.err
    assert "sync_lessons" not in result.err  # the field's name is for the JSON (field) only
    assert "Traceback" not in result.err


@pytest.mark.parametrize("command", ["score", "check", "quota", "audit", "show", "template"])
def test_a_pack_folder_where_an_installed_id_is_wanted_says_what_works(command: str) -> None:
    repo = Path(__file__).parents[1]
    extra = {"score": [str(SAMPLE)], "check": [str(SAMPLE)], "template": ["--out", "t.xlsx"]}
    zh = run(command, "packs/cangnan2022", *extra.get(command, []), cwd=repo)
    assert zh.code == 2 and zh.out == ""
    assert zh.err == (
        "pairing-rules: packs/cangnan2022 是规则包文件夹，不是已安装规则包的编号：此命令只读取已安装的"
        "规则包；已安装的规则包中有 cangnan2022，请改用编号 cangnan2022；要使用此文件夹中的版本，"
        "请先运行 pip install -e packs/cangnan2022；只想检查它，请运行 pairing-rules lint packs/cangnan2022\n"
    )
    en = run(command, "packs/cangnan2022", *extra.get(command, []), "--lang", "en", cwd=repo)
    assert en.err == (
        "pairing-rules: packs/cangnan2022 is a pack folder, not an installed pack's id: this "
        "command reads installed packs only; a pack cangnan2022 is installed: name it by its id, "
        "cangnan2022; to use this folder's version, run pip install -e packs/cangnan2022 first; "
        "to check it, run pairing-rules lint packs/cangnan2022\n"
    )


def test_a_pack_file_not_installed_is_installed_then_named_by_its_id(tmp_path: Path) -> None:
    folder = tmp_path / "county2099"
    (folder / "src" / "pairing_rules_county2099").mkdir(parents=True)
    (folder / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    pack_file = folder / "src" / "pairing_rules_county2099" / "pack.yaml"
    pack_file.write_text("id: county2099\nversion: 0.1.0\n", encoding="utf-8")
    result = run("show", "county2099/src/pairing_rules_county2099/pack.yaml", cwd=tmp_path)
    assert result.code == 2
    assert result.err == (
        "pairing-rules: county2099/src/pairing_rules_county2099/pack.yaml 是规则包文件，"
        "不是已安装规则包的编号：此命令只读取已安装的规则包；请先安装它：pip install -e county2099，"
        "再用编号 county2099 调用；只想检查它，请运行 pairing-rules lint "
        "county2099/src/pairing_rules_county2099/pack.yaml\n"
    )
    # a path holding no pack keeps the unknown pack's message, and says what the path lacks
    (tmp_path / "notes").mkdir()
    empty = run("show", "notes", cwd=tmp_path)
    assert empty.err.startswith("pairing-rules: 没有名为 notes 的规则包；已安装：")
    assert empty.err.endswith("（notes 是一个路径，但其中没有 pack.yaml）\n")
