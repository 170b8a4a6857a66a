"""Document coverage: every number of a pack's text is cited, in a table, or justified."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

import pairing_rules as pr
from pairing_rules._coverage import coverage, measure
from pairing_rules._not_rules import NotRule, NotRuleKind
from pairing_rules._numerals import find_numbers

from .test_numerals import FILLER, numbers

# A small document with a known count (hand-checked below).
DEMO = """一、目标
2022年，每校每年不少于 2 门学科，累计不少于二十节；满意度达到90%。
（一）联系人：张丽，电话 0571-88008831。
附件1
序号 学校 人数
1 甲校 30
2 乙校 45
"""
# Numbers: line 2: 2022年, 2, 二十, 90%; line 3: 0571-88008831; table: 1, 30, 2, 45  → 9 counted.
# Structural: 一、 (line 1), （一） (line 3), 1 of 附件1 (line 4)                 → 3, not counted.
QUOTE = pr.Source(section="一", quote="每校每年不少于 2 门学科，累计不少于二十节")
PHONE = {
    "text": "0571-88008831",
    "context": "电话 0571-88008831",
    "kind": "contact",
    "reason": {"zh": "联系电话", "en": "a telephone number"},
}
TABLE = {
    "kind": "table",
    "table": "schools",
    "context": "序号 学校 人数",
    "until": "2 乙校 45",
    "reason": {"zh": "名单已转录", "en": "the list is transcribed"},
}
ROWS = {"schools": [[1, "甲校", 30], [2, "乙校", 45]]}


def entry(**data: Any) -> NotRule:
    return NotRule.model_validate(data)


def test_demo_document_hand_computed() -> None:
    report = measure(
        DEMO, [("target", QUOTE)], [entry(**PHONE), entry(**TABLE)], tables=ROWS, pack_ref="demo"
    )
    assert (report.counted, report.count("structural")) == (9, 3)
    # cited: 2, 二十; table: 1, 30, 2, 45; justified: the telephone; uncovered: 2022年, 90%
    assert [report.count(s) for s in ("cited", "table", "justified", "uncovered")] == [2, 4, 1, 2]
    # 7 of 9 = 77.77…% shown rounded down, so that only a complete coverage reads 100
    assert report.percent == Decimal("77.7")
    assert [n.token.text for n in report.uncovered] == ["2022年", "90%"]
    assert not report.complete
    two, twenty = (n for n in report.numbers if n.status == "cited")
    assert (two.token.text, twenty.token.text) == ("2", "二十")
    assert [report.citations[i].owner for i in two.cited_by] == ["target"]
    uncovered = report.uncovered[1]
    assert (uncovered.line, uncovered.section) == (2, "一")
    assert uncovered.context() == (
        "不少于 2 门学科，累计不少于二十节；满意度达到【90%】。 （一）联系人：张丽，电话 0571-8800"
    )


def test_an_entry_for_each_uncovered_number_completes_the_coverage() -> None:
    entries = [
        entry(**PHONE),
        entry(**TABLE),
        entry(
            text="2022年",
            context="2022年，每校",
            kind="background",
            reason={"zh": "年度", "en": "year"},
        ),
        entry(
            text="90%",
            context="满意度达到90%",
            kind="unencoded",
            reason={"zh": "未编码", "en": "todo"},
        ),
    ]
    report = measure(DEMO, [("target", QUOTE)], entries, tables=ROWS)
    assert report.complete and report.percent == Decimal("100.0")
    assert [len(e.numbers) for e in report.entries] == [1, 4, 1, 1]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"text": "2", "context": "不少于 2 门学科"}, "already inside a quote (target)"),
        ({"text": "99", "context": "甲校"}, "holds no number 99"),
        ({"text": "2", "context": "不少于"}, "occurs 2 times in the text"),
        ({"text": "1", "context": "附件1"}, "structural numbering"),
        ({"text": "30", "context": "没有这段文字"}, "not in the text"),
        ({"text": "0571-88008831", "context": "0571-88008831。"}, "already justified by entry 0"),
    ],
)
def test_stale_entries(data: dict[str, str], problem: str) -> None:
    stale = entry(**data, kind="background", reason={"zh": "理由", "en": "reason"})
    report = measure(DEMO, [("target", QUOTE)], [entry(**PHONE), stale])
    assert report.entries[0].problem is None
    check = report.entries[1]
    assert check.stale and check.numbers == () and problem in check.problem.en  # type: ignore[union-attr]
    assert check.problem is not None and check.problem.zh
    assert not report.complete


def test_a_number_twice_in_its_context_is_ambiguous() -> None:
    twice = entry(text="2", context="1 30 2", kind="background", reason={"zh": "理", "en": "r"})
    report = measure("1 20 2 和 1 30 2 与 1 30 2", [], [twice])
    assert "occurs 2 times in the text" in report.entries[0].problem.en  # type: ignore[union-attr]
    unique = entry(text="2", context="与 1 30 2", kind="background", reason={"zh": "理", "en": "r"})
    assert not measure("1 20 2 和 1 30 2 与 1 30 2", [], [unique]).stale


def test_table_entries() -> None:
    # a value the table does not hold stays uncovered; an unknown table or end makes it stale
    rows = {"schools": [[1, "甲校", 30], [2, "乙校", 44]]}
    report = measure(DEMO, [], [entry(**TABLE)], tables=rows)
    assert [n.token.text for n in report.numbers if n.status == "table"] == ["1", "30", "2"]
    assert "45" in [n.token.text for n in report.uncovered]
    unknown = measure(DEMO, [], [entry(**{**TABLE, "table": "nope"})], tables=rows)
    assert "has no table nope" in unknown.entries[0].problem.en  # type: ignore[union-attr]
    no_end = measure(DEMO, [], [entry(**{**TABLE, "until": "丙校"})], tables=rows)
    assert "`until` is not found" in no_end.entries[0].problem.en  # type: ignore[union-attr]


def test_table_rows_claim_the_numbers_near_their_names() -> None:
    # the city's subtotal 16 is printed among the rows but is no row's value: it stays uncovered,
    # even though a county further down holds a 16
    text = "名单\n杭州市 16\n江干区 1\n萧山区 15\n嵊州市 16\n完"
    rows = {"t": [["江干区", 1], ["萧山区", 15], ["嵊州市", 16]]}
    table = entry(
        kind="table", table="t", context="名单", until="完", reason={"zh": "表", "en": "t"}
    )
    report = measure(text, [], [table], tables=rows)
    assert [(n.line, n.token.text) for n in report.uncovered] == [(2, "16")]


def test_white_space_is_ignored_as_in_quotes() -> None:
    text = "确保工作顺\n\n利推进，不少于 1\n0 次"
    report = measure(text, [("p", pr.Source(section="x", quote="不少于 10 次"))])
    # a page break splits "10" into two numbers; the quote's one place holds both
    assert [(n.token.text, n.status) for n in report.numbers] == [("1", "cited"), ("0", "cited")]
    report = measure("共 20 所", [("p", pr.Source(section="x", quote="共20所"))])
    assert report.complete


def test_not_rule_validation() -> None:
    assert (
        entry(text=2021, context="x", kind="background", reason={"zh": "理", "en": "r"}).text
        == "2021"
    )
    with pytest.raises(ValidationError, match="zh"):
        entry(text="1", context="x", kind="background", reason="只有中文")
    with pytest.raises(ValidationError, match="table"):
        entry(kind="table", context="x", reason={"zh": "理", "en": "r"})
    with pytest.raises(ValidationError, match="text"):
        entry(context="x", kind="contact", reason={"zh": "理", "en": "r"})
    with pytest.raises(ValidationError, match="for kind table"):
        entry(text="1", context="x", kind="contact", until="y", reason={"zh": "理", "en": "r"})
    assert all(kind.label.zh and kind.label.en for kind in NotRuleKind)


def test_json_contract() -> None:
    data = measure(DEMO, [("target", QUOTE)], [entry(**PHONE)], pack_ref="demo@1").as_json()
    assert set(data) >= {
        "pack",
        "counted",
        "covered",
        "percent",
        "complete",
        "numbers",
        "not_rules",
    }
    assert data["by_status"] == {
        "cited": 2,
        "table": 0,
        "justified": 1,
        "uncovered": 6,
        "structural": 3,
    }
    uncovered = [n for n in data["numbers"] if n["status"] == "uncovered"]
    assert all(n["suggested_context"] for n in uncovered)
    assert [n["cited_by"] for n in data["numbers"][1:4]] == [[], ["target"], ["target"]]


# ------------------------------------------------------------------------------ properties


@st.composite
def documents(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(FILLER, numbers()), min_size=1, max_size=8))
    return "".join(f + n for f, (n, _v) in parts) + draw(FILLER)


@given(documents(), st.data())
def test_numbers_inside_a_quote_are_cited_and_no_other(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    end = data.draw(st.integers(min_value=start + 1, max_value=len(text)))
    quote = text[start:end]
    places = [i for i in range(len(text)) if text.startswith(quote, i)]
    report = measure(text, [("p", pr.Source(section="s", quote=quote))])
    for number in report.numbers:
        t = number.token
        inside = any(i <= t.start and t.end <= i + len(quote) for i in places)
        assert (number.status == "cited") == inside, (quote, t)


@given(documents())
def test_a_suggested_context_points_at_its_number_alone(text: str) -> None:
    report = measure(text, [])
    for number in report.uncovered:
        if number.suggestion is None:
            continue
        justified = measure(
            text,
            [],
            [
                entry(
                    text=number.token.text,
                    context=number.suggestion,
                    kind="background",
                    reason={"zh": "理由", "en": "reason"},
                )
            ],
        )
        assert not justified.stale
        assert [n.anchor for n in justified.numbers if n.status == "justified"] == [number.anchor]


def test_structural_numbers_are_shown_but_not_counted() -> None:
    report = measure("一、总则\n（二）每年 2 次\n", [])
    assert [n.status for n in report.numbers] == ["structural", "structural", "uncovered"]
    assert report.counted == 1
    assert measure("一、总则", []).percent == Decimal("100.0")  # nothing to count


# ------------------------------------------------------------------------------ the packs

PACKS = pr.list_packs()


def test_every_pack_is_installed() -> None:
    assert {p.id for p in PACKS} >= {
        "cangnan2022",
        "zhejiang2019",
        "zhejiang2021",
        "shandong2016",
        "hunan2016",
    }


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.id)
def test_every_pack_covers_its_document(pack: pr.Pack) -> None:
    report = coverage(pack)
    uncovered = [f"{n.line}: {n.context()}" for n in report.uncovered]
    stale = [f"#{e.index} {e.entry.text or e.entry.table}: {e.problem}" for e in report.stale]
    assert (uncovered, stale) == ([], [])
    assert report.percent == Decimal("100.0") and report.complete
    assert report.counted > 0


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.id)
def test_every_not_rules_entry_has_a_reason(pack: pr.Pack) -> None:
    for item in pack.definition.not_rules:
        assert item.reason.zh.strip() and item.reason.en.strip(), item
        assert item.reason.zh != item.reason.en, item
    kinds = {item.kind for item in pack.definition.not_rules}
    assert kinds <= set(NotRuleKind)


def test_the_number_finder_is_the_coverage_one() -> None:
    pack = pr.get_pack("hunan2016")
    report = coverage(pack)
    assert [n.token for n in report.numbers] == find_numbers(pack.document.text)
