"""Chinese means Chinese, English means English: every command, on every pack and its bundled
sample, in both languages, shows a person no identifier (in Chinese) and no Chinese outside
names and quotes (in English); and the reports name the records.

What counts as a leak is defined in :mod:`tests.leaks`; the detector's own tests below show it
finds what it should (a test that cannot fail is a defect).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import pairing_rules as pr
from pairing_rules.io._template import write_template

from .leaks import (
    Leak,
    en_leaks,
    html_text,
    input_names,
    pack_names,
    pack_values,
    run_cli,
    workbook_text,
    zh_leaks,
)

ROOT = Path(__file__).resolve().parents[1]
PACKS = ("cangnan2022", "zhejiang2021", "zhejiang2019", "shandong2016", "hunan2016")
AS_OF = "2022-06-01"
#: the commands a person runs on a pack; lint, coverage and schema are the pack author's, whose
#: subject is the pack file itself (its keys are what the author edits): their help is checked
COMMANDS = ("packs", "show", "audit", "score", "check", "quota", "template", "diff", "lint",
            "schema", "new-pack", "coverage", "aggregate")  # fmt: skip


def _sample(pack_id: str) -> Path:
    return next((ROOT / "packs" / pack_id / "examples").glob("*.json"))


def _help_words() -> set[str]:
    """What a person types: commands, option choices and defaults, the packs' ids."""
    from pairing_rules._result_schema import RESULT_NAMES
    from pairing_rules.cli._main import build_parser

    # new-pack's example of an id; the schemas' names (pairing-rules schema NAME)
    words = set(COMMANDS) | set(PACKS) | {"cangnan2023"} | set(RESULT_NAMES)
    parser = build_parser()
    stack = [parser]
    while stack:
        current = stack.pop()
        for action in current._actions:
            words.update(str(c) for c in (action.choices or ()) if not isinstance(c, bool))
            if isinstance(action.default, str):
                words.add(action.default)
            if isinstance(action.choices, dict):
                stack.extend(action.choices.values())
    return words


def _runs(pack_id: str, tmp: Path, lang: str) -> list[tuple[str, list[str], Path | None]]:
    """Every command on one pack: its text output, and the report files it writes."""
    sample = str(_sample(pack_id))
    runs: list[tuple[str, list[str], Path | None]] = [
        ("show", ["show", pack_id], None),
        ("audit", ["audit", pack_id], None),
        ("quota", ["quota", pack_id, "--audit"], None),
        ("diff", ["diff", pack_id, pack_id, "--input", sample], None),
        ("score", ["score", pack_id, sample, "--as-of", AS_OF], None),
        ("check", ["check", pack_id, sample, "--as-of", AS_OF, "--members"], None),
    ]
    for command in ("score", "check"):
        for suffix in ("xlsx", "html"):
            out = tmp / f"{pack_id}-{command}-{lang}.{suffix}"
            extra = ["--sort", "total", "--by", "stage"] if command == "score" else []
            runs.append(
                (
                    f"{command} → {suffix}",
                    [command, pack_id, sample, "--as-of", AS_OF, "--out", str(out), *extra],
                    out,
                )
            )
    template = tmp / f"{pack_id}-template-{lang}.xlsx"
    runs.append(("template", ["template", pack_id, "--out", str(template)], template))
    return runs


def _read(path: Path | None) -> str:
    if path is None or not path.exists():
        return ""
    return html_text(path) if path.suffix == ".html" else workbook_text(path)


def test_no_identifier_in_chinese_and_no_chinese_in_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "3000")  # a table's cells unwrapped: a quote stays on its line
    typed = _help_words()
    leaks: list[Leak] = []
    seen_names: dict[str, int] = {}
    for pack_id in PACKS:
        pack = pr.get_pack(pack_id)
        sample = _sample(pack_id)
        data = json.loads(sample.read_text(encoding="utf-8"))
        report = pr.check(pack, data)
        # a group of records is named by its data (济南（初中）, 示例 2016), as a record's id is
        groups = {g.group for g in report.groups if g.group}
        names = pack_names(pack) | input_names(sample) | groups | {str(sample)}
        record_names = {r.name for r in report.results if r.name}
        for lang in ("zh", "en"):
            for what, argv, out in _runs(pack_id, tmp_path, lang):
                result = run_cli("--lang", lang, *argv)
                assert "Traceback" not in result.err and "内部错误" not in result.err, result.err
                text = f"{result.out}\n{result.err}\n{_read(out)}"
                where = f"{pack_id} {what} --lang {lang}"
                if lang == "zh":
                    leaks += zh_leaks(text, names, where=where, allowed=typed)
                else:
                    leaks += en_leaks(text, names | pack_values(pack), where=where)
                if what in ("check", "check → xlsx", "check → html"):
                    shown = sum(1 for name in record_names if name in text)
                    seen_names[where] = shown
                    assert shown == len(record_names), (
                        where,
                        record_names - {n for n in record_names if n in text},
                    )
    # a filled template reads back and reports by name too
    pack = pr.get_pack("cangnan2022")
    dataset = pr.load_dataset(
        json.loads(_sample("cangnan2022").read_text("utf-8")), pack.record_types
    )
    filled = write_template(pack, tmp_path / "filled.xlsx", records=dataset.collections)
    names = pack_names(pack) | input_names(_sample("cangnan2022")) | {str(filled)}
    for lang in ("zh", "en"):
        for suffix in ("xlsx", "html"):
            out = tmp_path / f"filled-{lang}.{suffix}"
            result = run_cli("--lang", lang, "score", "cangnan2022", str(filled), "--out", str(out))
            assert result.code == 0, result.err
            text = f"{result.out}\n{_read(out)}"
            assert "县江滨实验小学" in text  # CN-01's core school names it
            where = f"filled template → {suffix} --lang {lang}"
            leaks += (
                zh_leaks(text, names, where=where, allowed=typed)
                if lang == "zh"
                else en_leaks(text, names | pack_values(pack), where=where)
            )
    # the help of every command, and argparse's own words
    for lang in ("zh", "en"):
        for command in ("", *COMMANDS):
            result = run_cli("--lang", lang, *([command] if command else []), "--help")
            where = f"{command or 'pairing-rules'} --help --lang {lang}"
            if lang == "zh":
                assert "用法：" in result.out and "显示本帮助并退出" in result.out, where
                leaks += zh_leaks(result.out, set(), where=where, allowed=typed)
            else:
                leaks += en_leaks(result.out, set(), where=where)
    assert not leaks, "\n".join(str(leak) for leak in leaks[:40]) + f"\n({len(leaks)} in all)"
    assert seen_names and os.environ["COLUMNS"] == "3000"


@pytest.mark.parametrize("pack_id", PACKS)
def test_interpretations_read_in_words(pack_id: str) -> None:
    # what the web page and a pack's detail show a person choosing a reading: the question,
    # the readings and the rationale name other parts of the pack in words, never by id
    pack = pr.get_pack(pack_id)
    names = pack_names(pack)
    leaks: list[Leak] = []
    for interpretation in pack.definition.interpretations:
        texts = [interpretation.label, *(a.label for a in interpretation.alternatives)]
        if interpretation.rationale is not None:
            texts.append(interpretation.rationale)
        where = f"{pack_id} {interpretation.id}"
        for text in texts:
            leaks += zh_leaks(text.zh, names, where=where, allowed={pack_id})
            leaks += en_leaks(text.en, names | pack_values(pack), where=where)
    assert not leaks, "\n".join(str(leak) for leak in leaks)


@pytest.mark.parametrize("pack_id", PACKS)
def test_the_web_page_speaks_one_language(pack_id: str, tmp_path: Path) -> None:
    # the page county staff open, with each pack chosen: no identifier in Chinese (the packs'
    # ids, which a person picks and types, aside), no Chinese in English, punctuation included;
    # the link to the other language is named in that language
    from pairing_rules._registry import default_registry
    from pairing_rules.serve._web import render_page

    pack = pr.get_pack(pack_id)
    names = pack_names(pack)
    leaks: list[Leak] = []
    for lang in ("zh", "en"):
        page = tmp_path / f"{lang}.html"
        page.write_text(render_page(default_registry(), lang, pack_id), encoding="utf-8")
        text = html_text(page)
        where = f"{pack_id} web page --lang {lang}"
        if lang == "zh":
            assert "规则包" in text and "理由：" in text
            leaks += zh_leaks(text, names, where=where, allowed={*PACKS, "English", "JavaScript"})
        else:
            assert "Pack" in text and "Why: " in text
            leaks += en_leaks(text, names | pack_values(pack) | {"中文"}, where=where)
    assert not leaks, "\n".join(str(leak) for leak in leaks)


# ------------------------------------------------------------------------- the detector itself


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("评分 county", ["county"]),
        ("细则 cross_region：87 分", ["cross_region"]),
        ("[conflicting_provisions] 文件自相矛盾", ["conflicting_provisions"]),
        (
            "解释口径 cangnan2022.partial_credit=all_or_nothing",
            ["cangnan2022.partial_credit", "all_or_nothing"],
        ),
        ('{"(sync_lessons + offline_demo_lessons)": 28}', ["sync_lessons", "offline_demo_lessons"]),
        ("状态 met / unmet / not_applicable", ["met", "unmet", "not_applicable"]),
        ("positional arguments:", ["positional", "arguments"]),
        ("类别 figure", ["figure"]),
    ],
)
def test_the_chinese_detector_finds_identifiers(text: str, found: list[str]) -> None:
    assert [leak.token for leak in zh_leaks(text, set(), where="t")] == found


@pytest.mark.parametrize(
    "text",
    [
        "规则包版本 cangnan2022@2.0.0（内容哈希 sha256:0123456789abcdef）",
        "CN-01 县江滨实验小学：87 / 94 分（良好），占比 8.3%",
        "附件4 一 5「群众满意度测评达到 90%，得基本分 15 分」",
        "见 packs/cangnan2022/examples/communities-2022.json 与 报告.xlsx",
        "改用 `--set cangnan2022.grade_basis=scaled`；用 --out 报告.html 写出 A4 页面或 Excel 表",
    ],
)
def test_the_chinese_detector_lets_names_quotes_paths_and_numbers_pass(text: str) -> None:
    assert zh_leaks(text, {"CN-01", "县江滨实验小学"}, where="t") == []


def test_the_english_detector() -> None:
    names = {"县江滨实验小学"}
    assert [leak.token for leak in en_leaks("in.csv, 第 7 行", names, where="t")] == ["第行"]
    assert [leak.token for leak in en_leaks("total：87", names, where="t")] == ["："]
    assert [leak.token for leak in en_leaks("the veto 一票否优 caps it", names, where="t")] == [
        "一票否优"
    ]
    fine = "CN-01 县江滨实验小学: 87 of 94 (good); 附件4 一 5「群众满意度」; “跨市域” means across cities"
    assert en_leaks(fine, names, where="t") == []
