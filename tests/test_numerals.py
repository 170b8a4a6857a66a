"""The number finder: what ``coverage`` counts as a number of a document's text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairing_rules._numerals import NOT_NUMERALS, LineIndex, chinese_value, find_numbers

_DIGITS = "零一二三四五六七八九"
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))


def chinese(n: int) -> str:
    """``n`` (0 ≤ n < 10⁸) in Chinese numerals, written independently of the code under test."""
    if n == 0:
        return "零"
    if n >= 10_000:
        high, low = divmod(n, 10_000)
        rest = chinese(low) if low else ""
        if low and low < 1000:
            rest = "零" + (rest if not rest.startswith("十") else "一" + rest)
        return chinese(high) + "万" + rest
    out, zero = "", False
    for value, unit in _UNITS:
        digit, n = divmod(n, value)
        if digit:
            if zero:
                out += "零"
            out += _DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    if n:
        out += ("零" if zero else "") + _DIGITS[n]
    return out[1:] if out.startswith("一十") and len(out) <= 3 else out  # 十五, not 一十五


def texts(kind: str) -> list[tuple[str, str]]:
    return [(t.text, t.kind) for t in find_numbers(kind)]


# ----------------------------------------------------------------------------- examples


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("每年不少于 2 门学科，累计不少于二十节", [("2", "integer"), ("二十", "chinese")]),
        ("达到 90%，不低于 10 ％", [("90%", "percent"), ("10％", "percent")]),
        ("百分之九十的学校", [("百分之九十", "percent")]),
        ("三分之一以上", [("三分之一", "fraction")]),
        ("全角２０所", [("２０", "integer")]),
        (
            "共 1,532 家、0.6 倍、1.5亿元",
            [("1,532", "integer"), ("0.6", "decimal"), ("1.5亿", "decimal")],
        ),
        ("每 2-3 年、3至5人", [("2-3", "range"), ("3至5", "range")]),
        ("《规划（2015－2020年）》", [("2015－2020年", "range")]),
        ("按 1: 3 比例", [("1:3", "ratio")]),
        ("2022年", [("2022年", "date")]),
        (
            "于2021年4月15日前，3 月 15 日前，6月底",
            [("2021年4月15日", "date"), ("3月15日", "date"), ("6月", "date")],
        ),
        ("发布日期:2021.03.23 时间:2021-09-13", [("2021.03.23", "date"), ("2021-09-13", "date")]),
        ("二〇二二年三月", [("二〇二二年三月", "date")]),
        ("电话 0571-88008831、13665738924", [("0571-88008831", "phone"), ("13665738924", "phone")]),
        ("湘教通〔2016〕420号", [("〔2016〕420号", "doc_number")]),
        ("第四轮对口支援", [("四", "ordinal")]),
        ("每半年报送一次", [("半", "chinese"), ("一", "chinese")]),
        ("壹万元、队伍", [("壹万", "chinese")]),
    ],
)
def test_what_counts_as_a_number(text: str, expected: list[tuple[str, str]]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "一、目标任务",
        "  二、工作要求",
        "### 三、主要措施",
        "1.开展线上教学活动",
        "3、 工作原则",
        "（二）出台考核方案",
        "(1) 城乡同步课堂",
        "按本方案四(三)执行",
        "详见附件1。",
        "附件 2:",
        "①全面开展",
        "第二条 适用范围",
        "注：1.乡村小规模学校",
    ],
)
def test_structural_numbering_is_recognised_not_counted(text: str) -> None:
    found = find_numbers(text)
    assert found and all(t.structural and t.kind == "structural" for t in found), found


def test_a_list_marker_does_not_swallow_a_quantity() -> None:
    # "2." before a year or a month is the marker; "1.5" is a decimal, not the marker "1."
    assert texts("2.2022年苍南县行事历") == [("2.", "structural"), ("2022年", "date")]
    assert texts("\t1.4月15日前确定名单") == [("1.", "structural"), ("4月15日", "date")]
    assert texts("1.5亿元") == [("1.5亿", "decimal")]
    # a number in parentheses with a unit is a quantity, not numbering
    assert texts("协作型 13 所（3 所重复）") == [("13", "integer"), ("3", "integer")]


def test_words_whose_numeral_is_not_a_quantity() -> None:
    assert texts("统一部署，进一步提高，一体化，教师队伍，一定数量") == []
    assert texts("一对一、一票否决、三类残疾儿童") == [
        ("一", "chinese"),
        ("一", "chinese"),
        ("一", "chinese"),
        ("三", "chinese"),
    ]
    assert "一" in "".join(NOT_NUMERALS)  # the list is the one documented


def test_values() -> None:
    values = {t.text: t.value for t in find_numbers("二十二所、90%、1,000人、3万元、0.6倍、十四五")}
    assert values == {
        "二十二": Decimal(22),
        "90%": Decimal("0.9"),
        "1,000": Decimal(1000),
        "3万": Decimal(30000),
        "0.6": Decimal("0.6"),
        "十四五": None,  # a name ("the 14th five-year plan"), not one number
    }


def test_chinese_values() -> None:
    assert [chinese_value(s) for s in ("十", "十五", "二十", "一百零五", "三千五", "两万三千")] == [
        10,
        15,
        20,
        105,
        3500,
        23000,
    ]
    assert chinese_value("二〇二二") == 2022
    assert chinese_value("十四五") is None
    assert chinese_value("abc") is None


def test_line_and_section() -> None:
    text = "前言 2019年\n一、目标\n（二）要求\n1.每年 3 次\n附件1\n序号 人数\n1 30\n"
    index = LineIndex(text)
    by_text = {t.text: t for t in find_numbers(text) if not t.structural}
    assert index.line(by_text["2019年"].start) == 1
    assert index.section(by_text["2019年"].start) == ""
    assert (index.line(by_text["3"].start), index.section(by_text["3"].start)) == (4, "一(二)1")
    assert (index.line(by_text["30"].start), index.section(by_text["30"].start)) == (7, "附件1")


# ------------------------------------------------------------------------------ properties

#: filler between numbers: no digit, numeral, unit, date suffix, marker or NOT_NUMERALS character
FILLER = st.text(alphabet="学校教师课堂活动计划的和在，。", min_size=1, max_size=6)


@st.composite
def numbers(draw: st.DrawFn) -> tuple[str, Decimal]:
    """A number as a document prints it, with its value."""
    n = draw(st.integers(min_value=0, max_value=99_999_999))
    style = draw(st.sampled_from(["arabic", "full_width", "decimal", "percent", "chinese"]))
    if style == "arabic":
        return str(n), Decimal(n)
    if style == "full_width":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")), Decimal(n)
    if style == "decimal":
        frac = draw(st.integers(min_value=1, max_value=99))
        return f"{n}.{frac}", Decimal(f"{n}.{frac}")
    if style == "percent":
        return f"{n % 1000}%", Decimal(n % 1000) / 100
    return chinese(n), Decimal(n)


def test_the_test_side_chinese_writer() -> None:
    assert [chinese(n) for n in (10, 15, 20, 105, 3500, 10_005, 23_000, 120_000)] == [
        "十",
        "十五",
        "二十",
        "一百零五",
        "三千五百",
        "一万零五",
        "二万三千",
        "十二万",
    ]


@given(st.integers(min_value=0, max_value=99_999_999))
def test_chinese_value_reads_every_chinese_number(n: int) -> None:
    assert chinese_value(chinese(n)) == n


@given(st.lists(st.tuples(FILLER, numbers()), min_size=1, max_size=8), FILLER)
def test_every_number_given_is_found(
    parts: list[tuple[str, tuple[str, Decimal]]], end: str
) -> None:
    text, placed = "", []
    for filler, (number, value) in parts:
        text += filler
        placed.append((len(text), len(text) + len(number), number, value))
        text += number
    text += end
    found = [(t.start, t.end, t.text, t.value) for t in find_numbers(text)]
    assert found == placed
