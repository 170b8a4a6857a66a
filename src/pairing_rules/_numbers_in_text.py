"""The numbers and dates a passage of a Chinese document writes, as a reader takes them.

A rule's number must appear in its own quote.  A document writes numbers in
Arabic digits (``24``, full-width ``２４``, ``1,500``), in Chinese numerals
(``二十四``, ``两``, ``一千五百``, ``1.5万``), as percentages (``10%``,
``百分之十``, ``七成``) and, for "all of them", in words (``全面完成``).  A
share of 0.1 and a percentage of 10 both match ``10%``.  Dates are written
the Chinese way: ``3月15日``, ``6 月底``, ``9-10月``, ``2021.03.23``.

:func:`numbers_in` and :func:`dates_in` list what a passage says;
:func:`mentions_number` says whether a number is among them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from ._numerals import NOT_NUMERALS

DIGITS: Final[dict[str, int]] = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "两": 2,
    "贰": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
SMALL_UNITS: Final[dict[str, int]] = {
    "十": 10,
    "拾": 10,
    "百": 100,
    "佰": 100,
    "千": 1000,
    "仟": 1000,
}
BIG_UNITS: Final[dict[str, int]] = {"万": 10_000, "亿": 100_000_000}
_ZEROS: Final = frozenset("零〇○")
_NUMERAL_CHARS: Final = "".join([*DIGITS, *SMALL_UNITS, *BIG_UNITS])

#: words in which 一 (or another numeral) is not a number: the coverage's list, and a few more
_NOT_NUMBERS: Final = tuple(
    dict.fromkeys((*NOT_NUMERALS, "之一", "一把手", "一揽子", "万众", "一系列", "一贯"))
)
#: words meaning "all of them": 100%, a share of 1
_WHOLE: Final = ("百分之百", "全覆盖", "全部", "全面", "所有", "全体", "全员")

_FULL_WIDTH: Final = str.maketrans("０１２３４５６７８９．％：，", "0123456789.%:,")
_ARABIC: Final = re.compile(r"\d{1,3}(?:,\d{3})+(?![\d,])|\d+(?:\.\d+)?")
_PERCENT_AFTER: Final = re.compile(r"\s*%")
_MULTIPLIER_AFTER: Final = re.compile(r"\s*([万千亿])")
_CHINESE_PERCENT: Final = re.compile(rf"百分之([{_NUMERAL_CHARS}]+(?:点[{''.join(DIGITS)}]+)?)")
_CHINESE_RUN: Final = re.compile(rf"[{_NUMERAL_CHARS}]+(?:点[{''.join(DIGITS)}]+)?")
_TENTHS: Final = re.compile(rf"([{''.join(DIGITS)}])成(?![为立果员绩效本])")

_CN_SMALL: Final = "〇一二三四五六七八九十"
_MONTH_OR_DAY: Final = rf"(\d{{1,2}}|[{_CN_SMALL}]{{1,3}})"
_DATE: Final = re.compile(
    rf"(?:(\d{{4}})\s*年\s*)?{_MONTH_OR_DAY}\s*月\s*(?:{_MONTH_OR_DAY}\s*[日号]|(底|末|份|下旬|中旬|上旬|初))?"
)
_MONTH_RANGE: Final = re.compile(rf"{_MONTH_OR_DAY}\s*[-—–~～至到]\s*{_MONTH_OR_DAY}\s*月")
_DOTTED_DATE: Final = re.compile(r"(\d{4})\s*[.\-/]\s*(\d{1,2})\s*[.\-/]\s*(\d{1,2})(?!\d)")
#: a year alone (``2016年``, ``2018—2020年``): a deadline by the end of that year
_YEARS: Final = re.compile(
    r"(?:(\d{4})\s*年?\s*[—\-–~～至到]\s*)?(\d{4})\s*年(?!\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月)"
)


@dataclass(frozen=True, slots=True)
class NumberMention:
    """A number a passage writes: its value, where, and whether it is a percentage."""

    value: Decimal
    start: int
    end: int
    percent: bool = False

    def values(self) -> set[Decimal]:
        """The values a rule may encode it as: the number, and for a percentage also the share."""
        if self.percent:
            return {self.value, self.value / 100}
        return {self.value}


@dataclass(frozen=True, slots=True)
class DateMention:
    """A month (with a day, or "the end of the month") a passage writes."""

    month: int
    day: int | None = None
    end_of_month: bool = False
    year: int | None = None

    def matches(self, date: dt.date) -> bool:
        """Whether this mention names ``date`` (the month's end for ``底``/``末``)."""
        if self.month != date.month or (self.year is not None and self.year != date.year):
            return False
        if self.day is not None:
            return self.day == date.day
        if self.end_of_month:
            return date.day == calendar.monthrange(date.year, date.month)[1]
        return False


def chinese_numeral_value(text: str) -> Decimal:
    """The value of one Chinese numeral: ``二十四`` → 24, ``一千零五`` → 1005, ``三点五`` → 3.5.

    :raises ValueError: when ``text`` is not one well-formed numeral.
    """
    whole, dot, tail = text.partition("点")
    if dot:
        if not tail or any(ch not in DIGITS for ch in tail):
            raise ValueError(f"not a Chinese numeral: {text!r}")
        fraction = "".join(str(DIGITS[ch]) for ch in tail)
        return Decimal(f"{_integer(whole)}.{fraction}")
    return Decimal(_integer(text))


def _integer(text: str) -> int:
    if not text:
        raise ValueError("an empty numeral")
    if all(ch in DIGITS for ch in text):
        if len(text) == 1:
            return DIGITS[text]
        if len(text) == 4 and any(ch in _ZEROS for ch in text):  # 二〇二二年
            return int("".join(str(DIGITS[ch]) for ch in text))
        raise ValueError(f"digits without units: {text!r}")
    total = 0  # completed 万/亿 groups
    section = 0  # the current group below 万
    pending: int | None = None  # a digit waiting for its unit
    last_small = 10_000  # units within a group must fall
    last_big = 10**12
    zero_seen = False
    for ch in text:
        if ch in DIGITS:
            value = DIGITS[ch]
            if value == 0:
                if pending is not None:
                    raise ValueError(f"a zero after a digit: {text!r}")
                zero_seen = True
                continue
            if pending is not None:
                raise ValueError(f"two digits in a row: {text!r}")
            pending = value
        elif ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            if unit >= last_small:
                raise ValueError(f"units out of order: {text!r}")
            if pending is None:
                if unit != 10 or section or total or zero_seen:
                    raise ValueError(f"a unit without its digit: {text!r}")
                pending = 1  # 十五 is 15
            section += pending * unit
            pending = None
            last_small = unit
            zero_seen = False
        else:
            unit = BIG_UNITS[ch]
            if unit >= last_big:
                raise ValueError(f"units out of order: {text!r}")
            section += pending or 0
            if not section:
                raise ValueError(f"a unit without its digit: {text!r}")
            total += section * unit
            section, pending = 0, None
            last_small, last_big = 10_000, unit
            zero_seen = False
    if pending is not None:
        section += pending
    return total + section


def _split_numerals(run: str) -> list[tuple[int, str]]:
    """Split a run of numeral characters into well-formed numerals (offset, text).

    ``十四五`` is 十四 and 五; ``三四`` is 三 and 四 (an approximate "three or four").
    """
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(run):
        end = len(run)
        while end > start:
            try:
                _integer(run[start:end])
            except ValueError:
                end -= 1
                continue
            break
        if end == start:  # a lone zero or a stray unit: skip one character
            start += 1
            continue
        out.append((start, run[start:end]))
        start = end
    return out


def _masked(text: str) -> str:
    """``text`` with the words in which a numeral is not a number blanked out (same length).

    A word next to another numeral is part of a number: 五十分 is 50 points, 七万一千 is 71,000.
    """
    chars = list(text)
    for word in _NOT_NUMBERS:
        start = text.find(word)
        while start != -1:
            end = start + len(word)
            before = text[start - 1] if start else ""
            after = text[end] if end < len(text) else ""
            if not (before and before in _NUMERAL_CHARS) and not (
                after and after in _NUMERAL_CHARS
            ):
                chars[start:end] = "　" * len(word)
            start = text.find(word, start + 1)
    return "".join(chars)


def numbers_in(text: str) -> list[NumberMention]:
    """Every number ``text`` writes, in order of appearance."""
    raw = text.translate(_FULL_WIDTH)
    plain = _masked(raw)
    found: list[NumberMention] = []
    taken = [False] * len(plain)

    def take(start: int, end: int, value: Decimal, percent: bool = False) -> None:
        found.append(NumberMention(value, start, end, percent))
        for n in range(start, end):
            taken[n] = True

    for match in _CHINESE_PERCENT.finditer(raw):  # 百分之一: 之一 is a number here
        try:
            value = chinese_numeral_value(match.group(1))
        except ValueError:
            continue
        take(match.start(), match.end(), value, percent=True)
    for word in _WHOLE:
        for match in re.finditer(re.escape(word), plain):
            if not any(taken[match.start() : match.end()]):
                take(match.start(), match.end(), Decimal(100), percent=True)
    for match in _TENTHS.finditer(plain):
        if not taken[match.start()]:
            take(match.start(), match.end(), Decimal(DIGITS[match.group(1)] * 10), percent=True)
    for match in _ARABIC.finditer(plain):
        if any(taken[match.start() : match.end()]):
            continue
        value = Decimal(match.group().replace(",", ""))
        end = match.end()
        percent = _PERCENT_AFTER.match(plain, end)
        if percent:
            take(match.start(), percent.end(), value, percent=True)
            continue
        multiplier = _MULTIPLIER_AFTER.match(plain, end)
        take(match.start(), end, value)
        if multiplier:
            unit = {"万": 10_000, "千": 1000, "亿": 100_000_000}[multiplier.group(1)]
            found.append(NumberMention(value * unit, match.start(), multiplier.end()))
            taken[multiplier.start(1)] = True
    for match in _CHINESE_RUN.finditer(plain):
        if any(taken[match.start() : match.end()]):
            continue
        run = match.group()
        head, dot, tail = run.partition("点")
        for offset, numeral in _split_numerals(head):
            start = match.start() + offset
            end = start + len(numeral)
            if dot and offset + len(numeral) == len(head):
                value = chinese_numeral_value(f"{numeral}点{tail}")
                end = match.end()
            else:
                value = Decimal(_integer(numeral))
            percent = _PERCENT_AFTER.match(plain, end)
            take(start, percent.end() if percent else end, value, percent=bool(percent))
    return sorted(found, key=lambda m: (m.start, m.end))


def quoted_values(text: str) -> set[Decimal]:
    """Every value a rule may encode from ``text``.

    Each number, each percentage also as a share, the whole (100% and 1) where
    a percentage is written, and the last day of a month written ``X月底``.
    """
    out: set[Decimal] = set()
    for mention in numbers_in(text):
        out |= mention.values()
        if mention.percent:
            out |= {Decimal(100), Decimal(1)}
    for date in dates_in(text):
        if date.end_of_month:
            last = {calendar.monthrange(year, date.month)[1] for year in (2023, 2024)}
            out |= {Decimal(day) for day in last}
    return out


def counts_in(text: str) -> list[NumberMention]:
    """The numbers of ``text`` that may be counts or amounts: not years, dates or list markers."""
    plain = text.translate(_FULL_WIDTH)
    out = []
    for mention in numbers_in(text):
        after = plain[mention.end : mention.end + 2].lstrip()
        if after[:1] in ("年", "月", "日", "号"):
            continue
        if mention.value == mention.value.to_integral_value() and 1900 <= mention.value <= 2100:
            continue
        if not plain[: mention.start].strip() and after[:1] in (".", "、", ")", "）", "．"):
            continue  # a list marker: 1.开展 …
        out.append(mention)
    return out


def mentions_number(texts: str | Iterable[str], value: Decimal | int) -> bool:
    """Whether ``value`` is written in one of ``texts`` (a share matching its percentage)."""
    wanted = Decimal(value)
    if isinstance(texts, str):
        texts = [texts]
    return any(wanted in quoted_values(t) for t in texts)


def _month_or_day(token: str) -> int:
    return int(token) if token.isdigit() else _integer(token)


def dates_in(text: str) -> list[DateMention]:
    """Every month and date ``text`` writes (``3月15日``, ``6月底``, ``9-10月``, ``2021.03.23``)."""
    plain = text.translate(_FULL_WIDTH)
    out: list[DateMention] = []
    for match in _DOTTED_DATE.finditer(plain):
        y, m, d = (int(g) for g in match.groups())
        if 1 <= m <= 12 and 1 <= d <= 31:
            out.append(DateMention(m, d, year=y))
    for match in _YEARS.finditer(plain):
        for written in match.groups():
            if written is not None:
                out.append(DateMention(12, end_of_month=True, year=int(written)))
    for match in _MONTH_RANGE.finditer(plain):
        try:
            first, last = _month_or_day(match.group(1)), _month_or_day(match.group(2))
        except ValueError:
            continue
        if 1 <= first <= 12 and 1 <= last <= 12:
            out.append(DateMention(first))
            out.append(DateMention(last))
    for match in _DATE.finditer(plain):
        year_text, month_text, day_text, part = match.groups()
        try:
            month = _month_or_day(month_text)
            day = _month_or_day(day_text) if day_text else None
        except ValueError:
            continue
        if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
            continue
        out.append(
            DateMention(
                month,
                day,
                end_of_month=part in ("底", "末", "下旬"),
                year=int(year_text) if year_text else None,
            )
        )
    return out


def format_values(values: Iterable[Decimal]) -> str:
    """Numbers for a message, smallest first, shares and percentages both shown: ``0.1, 10, 24``."""
    shown = sorted({v.normalize() for v in values})
    return ", ".join(format(v, "f") for v in shown) or "—"
