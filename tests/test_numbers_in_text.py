"""Numbers and dates as a Chinese document writes them: Arabic, full-width, Chinese numerals, percentages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairing_rules._numbers_in_text import (
    chinese_numeral_value,
    counts_in,
    dates_in,
    mentions_number,
    numbers_in,
    quoted_values,
)

from .numerals import chinese


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("二十四", 24),
        ("十五", 15),
        ("两", 2),
        ("一千零五", 1005),
        ("九千九百九十九", 9999),
        ("一万零一十五", 10015),
        ("十万", 100_000),
        ("一亿二千万", 120_000_000),
        ("二〇二二", 2022),
        ("三点五", Decimal("3.5")),
    ],
)
def test_chinese_numerals(written: str, value: int | Decimal) -> None:
    assert chinese_numeral_value(written) == value


@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_numerals_round_trip(n: int) -> None:
    assert chinese_numeral_value(chinese(n)) == n


@given(
    st.integers(min_value=1, max_value=99_999_999),
    st.sampled_from(["累计不少于{}节", "{}所", "共{}次"]),
)
def test_a_number_written_into_a_quote_is_found(n: int, template: str) -> None:
    for written in (
        str(n),
        chinese(n),
        str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    ):
        quote = template.format(written)
        assert mentions_number(quote, n), quote
        assert not mentions_number(quote, n + 1) or str(n + 1) in quote


@given(st.integers(min_value=1, max_value=100))
def test_percentages_and_shares(n: int) -> None:
    share = Decimal(n) / 100
    for quote in (f"不低于 {n}%", f"不低于{n}％", f"百分之{chinese(n)}"):
        assert mentions_number(quote, share), quote
        assert mentions_number(quote, n), quote


@pytest.mark.parametrize(
    ("quote", "values"),
    [
        ("累计不少于 24 节", {24}),
        ("达到 92%", {92, Decimal("0.92"), 100, 1}),  # a percentage brings its whole
        ("每所支援校至少安排 2-3 名优秀教师按 1: 3 比例", {1, 2, 3}),
        ("十四五", {14, 5}),  # not one numeral: split where it stops being one
        ("1,500家", {1500}),
        ("1.5万所", {Decimal("1.5"), 15000}),
        ("七成", {70, Decimal("0.7"), 100, 1}),
        ("11 月底前全面完成", {11, 30, 100, 1}),  # 全面 is 100%; 11 月底 is the 30th
        ("同一教师同一学年不得重复申请", set()),  # 同一 is "the same", not a number
        ("指派一定数量教师", set()),  # 一定 is "some"
        ("九年一贯制学校", {9}),
        ("得五十分", {50}),  # 十分 ("very") only where no numeral touches it
        ("十分重要", set()),
    ],
)
def test_values_of_quotes(quote: str, values: set[int | Decimal]) -> None:
    assert quoted_values(quote) == {Decimal(v) for v in values}


def test_counts_leave_out_years_dates_and_list_markers() -> None:
    quote = "1.确定2021年新组建的学校名单，3月15日前完成，不少于 12 次"
    assert [m.value for m in counts_in(quote)] == [12]
    assert [m.value for m in numbers_in(quote)] == [1, 2021, 3, 15, 12]


@pytest.mark.parametrize(
    ("quote", "date", "found"),
    [
        ("（3 月 15 日前）", dt.date(2022, 3, 15), True),
        ("3月15日前", dt.date(2022, 3, 16), False),
        ("6 月底前 30% 的教共体通过核验", dt.date(2023, 6, 30), True),
        ("6 月底前", dt.date(2023, 6, 29), False),
        ("2021.03.23", dt.date(2021, 3, 23), True),
        ("2016年，各市确定城乡帮扶学校", dt.date(2016, 12, 31), True),
        ("2018—2020年，帮扶工作深入开展", dt.date(2020, 12, 31), True),
        ("2016年6月底前报送", dt.date(2016, 12, 31), False),
        ("十二月三十一日", dt.date(2022, 12, 31), True),
    ],
)
def test_dates(quote: str, date: dt.date, found: bool) -> None:
    assert any(d.matches(date) for d in dates_in(quote)) is found


def test_month_ranges() -> None:
    assert {d.month for d in dates_in("9-10月")} == {9, 10}
    assert {d.month for d in dates_in("4月至5月")} == {4, 5}
