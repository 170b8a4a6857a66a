"""The numbers of a document's text: what ``coverage`` counts, found by one written-down rule.

:func:`find_numbers` reads a text and returns every number in it as a
:class:`NumberToken`, in the order of the text.  A *number* is one of:

- Arabic digits, ASCII or full width (``20``, ``２０``, ``1,000``, ``0.6``);
- a run of Chinese numerals (``二十``, ``三千``, ``一``, ``两``; the formal ``壹贰叁…``
  only two or more together or before 元/圆/万/亿/角), and ``半`` before a unit of time;
- a percentage (``10%``, ``10 ％``, ``百分之九十``) or a fraction (``三分之一``, ``1/3``);
- a range (``2-3``, ``2018—2020年``, ``3至5``) or a ratio (``1:3``);
- a date written the Chinese way (``2022年``, ``3月15日``, ``2021年4月15日``, ``6月``),
  or with dots, dashes or slashes (``2021.03.23``, ``2021-09-13``);
- a telephone number (``0571-88008831``, ``13665738924``) or a document number
  (``〔2021〕53号``).

A date, a range, a percentage or a document number is one token, not several.

Two things are *not* numbers, by rule, and are returned with ``structural=True``
so that a report can still show them:

- the numbering of the text's own structure: a list marker at the start of a line
  (``一、``, ``1.``, ``3、``, ``（二）``), a numeral in parentheses anywhere
  (``（1）``, ``(三)``), a circled numeral (``①``), a section path (``四(三)``,
  ``第二条``) and the number of an annex (``附件1``, ``见附件2``);
- a word whose numeral character is not a quantity (:data:`NOT_NUMERALS`:
  ``统一``, ``进一步``, ``一体化``, ``队伍`` …); these are not returned at all.

Everything else that looks like a number is one, even where it is a name
(``第二中学``), a page number or a telephone number: the coverage report asks
the pack's author to account for it, so that no quantity is hidden by a guess.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

NumberKind = Literal[
    "integer",
    "decimal",
    "chinese",
    "ordinal",
    "percent",
    "fraction",
    "range",
    "ratio",
    "date",
    "phone",
    "doc_number",
    "structural",
]

#: words whose numeral character is not a quantity; never counted as numbers
NOT_NUMERALS: Final[tuple[str, ...]] = (
    "统一",
    "同一",
    "一致",
    "一体",
    "进一步",
    "一律",
    "一系列",
    "一般",
    "一贯",
    "每一",
    "一定",
    "唯一",
    "一旦",
    "一直",
    "一起",
    "一些",
    "一切",
    "一样",
    "万一",
    "一方面",
    "千方百计",
    "百姓",
    "一线",
    "不一",
    "一流",
    "逐一",
    "一同",
    "一并",
    "一道",
    "一经",
    "十分",
    "第三方",
    "零星",
    "零散",
    "队伍",
    "陆续",
    "大陆",
)

_D: Final = "[0-9０-９]"
_CN_CHARS: Final = "零〇一二三四五六七八九十百千万亿两"
_FORMAL_CHARS: Final = "壹贰叁肆伍陆柒捌玖拾佰仟"
_CN: Final = f"[{_CN_CHARS}]+"
_FORMAL: Final = f"[{_FORMAL_CHARS}{_CN_CHARS}]*[{_FORMAL_CHARS}][{_FORMAL_CHARS}{_CN_CHARS}]*"
_ARABIC: Final = rf"(?:{_D}{{1,3}}(?:,{_D}{{3}})+(?:[.．]{_D}+)?|{_D}+(?:[.．]{_D}+)?)"
_NUM: Final = rf"(?:{_ARABIC}|{_CN})"
_INT: Final = rf"(?:{_D}+|{_CN})"  # a part of a date
_SP: Final = r"[ \t\u3000]*"  # spaces inside a line, never a line break
_DASH: Final = "[-－—–~～〜]"
_YEAR: Final = rf"(?:(?:19|20){_D}{{2}}|[一二][〇零一二三四五六七八九]{{3}})"

#: marks a character removed from the scan (a structural numeral, a word of NOT_NUMERALS)
_MASK: Final = "\ue000"

_TOKEN: Final = re.compile(
    "|".join(
        [
            # a document number: 〔2021〕53号
            rf"(?P<doc_number>[〔\[［]{_SP}{_D}{{4}}{_SP}[〕\]］]{_SP}{_D}+{_SP}号)",
            # telephone numbers
            rf"(?P<phone>(?<![0-9０-９])0{_D}{{2,3}}{_SP}[-－—–]{_SP}{_D}{{7,8}}(?![0-9０-９])"
            rf"|(?<![0-9０-９])1[3-9]{_D}{{9}}(?![0-9０-９]))",
            # year ranges: 2015－2020年, 2018—2020年
            rf"(?P<year_range>{_YEAR}{_SP}年?{_SP}{_DASH}{_SP}{_YEAR}{_SP}年)",
            # dates written the Chinese way
            rf"(?P<date>{_YEAR}{_SP}年(?:{_SP}{_INT}{_SP}月(?:{_SP}{_INT}{_SP}[日号])?)?"
            rf"|(?<![0-9０-９]){_INT}{_SP}月{_SP}{_INT}{_SP}[日号]"
            rf"|(?<![0-9０-９]){_D}{{1,2}}{_SP}月"
            rf"|(?<![0-9０-９]){_D}{{1,2}}{_SP}日)",
            # dates with dots, dashes or slashes: 2021.03.23, 2021-09-13
            rf"(?P<numeric_date>(?<![0-9０-９.．])(?:19|20){_D}{{2}}(?P<sep>[.．/\-－]){_D}{{1,2}}(?P=sep){_D}{{1,2}}(?![0-9０-９]))",
            # percentages and fractions
            rf"(?P<percent>百分之{_NUM}(?:{_DASH}{_NUM})?"
            rf"|(?:{_ARABIC}){_SP}[%％](?:{_SP}{_DASH}{_SP}(?:{_ARABIC}){_SP}[%％])?)",
            rf"(?P<fraction>{_NUM}分之{_NUM}|(?<![0-9０-９/]){_ARABIC}/{_ARABIC}(?![0-9０-９/]))",
            # ranges and ratios
            rf"(?P<range>(?:{_ARABIC}){_SP}(?:{_DASH}|至){_SP}(?:{_ARABIC})"
            rf"|{_CN}{_SP}(?:{_DASH}|至){_SP}{_CN})",
            rf"(?P<ratio>(?:{_ARABIC}){_SP}[:：]{_SP}(?:{_ARABIC})(?![0-9０-９]))",
            # single numbers
            rf"(?P<arabic>{_ARABIC}(?:{_SP}[万亿](?![{_CN_CHARS}]))?)",
            rf"(?P<formal>(?=[{_FORMAL_CHARS}{_CN_CHARS}]{{2}}){_FORMAL}|[{_FORMAL_CHARS}](?=[元圆万亿角]))",
            rf"(?P<chinese>{_CN}|半(?=个|年|学期|月|天|日|小时))",
        ]
    )
)

_GROUPS: Final = tuple(n for n in _TOKEN.groupindex if n != "sep")

# -- structural numbering ------------------------------------------------------------------

_MARKER_NUM: Final = rf"(?:{_D}{{1,3}}|[{_CN_CHARS}]{{1,4}})"
#: a list marker at the start of a line or of a table cell (after spaces, Markdown's ``#``/``-``/``*``)
_LINE_MARKER: Final = re.compile(
    rf"(?:^|(?<=\t))(?P<lead>[ \t\u3000]*(?:[#*\-•·]+[ \t\u3000]*)?)"
    rf"(?P<marker>[{_CN_CHARS}]{{1,4}}{_SP}[、.．]"
    rf"|{_D}{{1,3}}{_SP}(?:[、]|[.．](?![0-9０-９])|[.．](?={_D}{{4}}{_SP}年|{_D}{{1,2}}{_SP}月)))",
    re.M,
)
#: a numeral in parentheses, anywhere: （二）, (1), ( 3 ); a circled numeral
_PAREN_MARKER: Final = re.compile(rf"[（(]{_SP}{_MARKER_NUM}{_SP}[)）]|[①-⑳㉑-㉟]")
#: a section path: 四(三), 第二条 …; the number of an annex: 附件1, 附件 2
_SECTION_REF: Final = re.compile(
    rf"[{_CN_CHARS}]{{1,3}}(?=[（(]{_SP}{_MARKER_NUM}{_SP}[)）])"
    rf"|第{_SP}{_MARKER_NUM}{_SP}(?=[章节条款项篇部](?!门))"
    rf"|(?<=附件){_SP}{_D}{{1,2}}(?![0-9０-９.．])"
    rf"|(?<=附件[：:]){_SP}{_D}{{1,2}}[.．、]"
    rf"|(?<=附表){_SP}{_D}{{1,2}}"
    rf"|(?<=注[：:]){_SP}{_D}{{1,2}}{_SP}[.．、]"
)

_CN_DIGITS: Final = {
    "零": 0,
    "〇": 0,
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
_CN_UNITS: Final = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG: Final = {"万": 10_000, "亿": 100_000_000}
_FULL_WIDTH: Final = str.maketrans("０１２３４５６７８９．％：，", "0123456789.%:,")
_SPACE: Final = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class NumberToken:
    """A number found in a text.

    :param start: offset of its first character in the text.
    :param end: offset just after its last character.
    :param text: the text as printed, white space removed.
    :param kind: what it is (``integer``, ``percent``, ``date``, ``structural`` …).
    :param value: its value where it is one number (``20``, ``0.1`` for ``10%``), else ``None``.
    :param structural: whether it numbers the text's own structure (not counted).
    """

    start: int
    end: int
    text: str
    kind: NumberKind
    value: Decimal | None = None
    structural: bool = False


def chinese_value(numeral: str) -> int | None:
    """The value of a Chinese numeral, or ``None`` when it is not one number.

    >>> chinese_value("二十二"), chinese_value("三千五"), chinese_value("二〇二二")
    (22, 3500, 2022)
    >>> chinese_value("十四五") is None
    True
    """
    if not numeral or any(
        c not in _CN_DIGITS and c not in _CN_UNITS and c not in _CN_BIG for c in numeral
    ):
        return None
    if all(c in _CN_DIGITS for c in numeral):  # digit by digit: 二〇二二
        if len(numeral) > 1 and "两" in numeral:
            return None
        return int("".join(str(_CN_DIGITS[c]) for c in numeral))
    total, section = 0, 0
    digit: int | None = None
    last_unit: int | None = None
    zero = False
    for c in numeral:
        if c in "零〇":
            if digit is not None:
                return None
            zero = True
        elif c in _CN_DIGITS:
            if digit is not None:
                return None
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            unit = _CN_UNITS[c]
            if last_unit is not None and unit >= last_unit:
                return None
            section += (1 if digit is None else digit) * unit
            digit, last_unit, zero = None, unit, False
        else:
            big = _CN_BIG[c]
            section += digit or 0
            if section == 0 or (total and total < big):
                return None
            total += section * big
            section, digit, last_unit, zero = 0, None, None, False
    if digit is not None:
        if last_unit is None or zero or last_unit == 10:
            section += digit
        else:
            section += digit * (last_unit // 10)  # 三千五 = 3500
    return total + section


def _value(kind: NumberKind, text: str) -> Decimal | None:
    plain = text.translate(_FULL_WIDTH).replace(",", "")
    if kind in ("integer", "decimal"):
        scale = {"万": 10_000, "亿": 100_000_000}.get(plain[-1], 1)
        return Decimal(plain.rstrip("万亿")) * scale
    if kind in ("chinese", "ordinal"):
        n = chinese_value(text)
        return None if n is None else Decimal(n)
    if kind == "percent":
        body = plain.removeprefix("百分之").rstrip("%")
        if re.fullmatch(r"[0-9]+(\.[0-9]+)?", body):
            return Decimal(body) / 100
        n = chinese_value(body)
        return None if n is None else Decimal(n) / 100
    return None


def _masked(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with structural numerals and NOT_NUMERALS words masked; the structural spans."""
    chars = list(text)
    spans: list[tuple[int, int]] = []
    for m in _LINE_MARKER.finditer(text):
        spans.append((m.start("marker"), m.end("marker")))
    for pattern in (_PAREN_MARKER, _SECTION_REF):
        spans.extend((m.start(), m.end()) for m in pattern.finditer(text))
    numeral = set(_CN_CHARS + _FORMAL_CHARS)
    for word in NOT_NUMERALS:
        start = text.find(word)
        while start != -1:
            end = start + len(word)
            # inside a longer numeral (十万一千 holds 万一) the word is part of a number
            joined = (word[0] in numeral and start > 0 and text[start - 1] in numeral) or (
                word[-1] in numeral and end < len(text) and text[end] in numeral
            )
            if not joined:
                for i in range(start, end):
                    if chars[i] in numeral:
                        chars[i] = _MASK
            start = text.find(word, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    for start, end in merged:
        for i in range(start, end):
            if not chars[i].isspace():
                chars[i] = _MASK
    return "".join(chars), merged


def _structural_tokens(text: str, spans: list[tuple[int, int]]) -> Iterator[NumberToken]:
    for start, end in spans:
        raw = text[start:end]
        if not re.search(rf"{_D}|[{_CN_CHARS}①-⑳㉑-㉟]", raw):
            continue
        yield NumberToken(start, end, _SPACE.sub("", raw), "structural", structural=True)


def find_numbers(text: str) -> list[NumberToken]:
    """Every number of ``text``, structural ones included, in the order of the text.

    >>> [(t.text, t.kind) for t in find_numbers("一、目标\\n每年不少于 2 门学科，累计不少于二十节；达到90%。")]
    [('一、', 'structural'), ('2', 'integer'), ('二十', 'chinese'), ('90%', 'percent')]
    """
    masked, spans = _masked(text)
    tokens = list(_structural_tokens(text, spans))
    for m in _TOKEN.finditer(masked):
        group = next(name for name in _GROUPS if m.start(name) != -1)
        raw = _SPACE.sub("", m.group())
        kind: NumberKind
        if group in ("year_range", "range"):
            kind = "range"
        elif group in ("date", "numeric_date"):
            kind = "date"
        elif group in ("arabic",):
            kind = "decimal" if re.search("[.．]", raw) else "integer"
        elif group in ("formal", "chinese"):
            before = masked[: m.start()].rstrip(" \t\u3000")
            kind = "ordinal" if before.endswith("第") else "chinese"
        else:
            kind = group  # type: ignore[assignment]
        tokens.append(NumberToken(m.start(), m.end(), raw, kind, _value(kind, raw)))
    tokens.sort(key=lambda t: (t.start, t.end))
    return tokens


class LineIndex:
    """Line numbers and section paths of offsets in a text.

    The section path follows the text's own numbering: ``一、`` opens a part,
    ``（一）`` a section of it, ``1.`` an item, ``（1）`` a sub-item, and a line
    ``附件1`` starts an annex (``附件1 二(三)1``).  A guess from the text's
    markers: documents number inconsistently.
    """

    __slots__ = ("_sections", "_starts")

    def __init__(self, text: str) -> None:
        self._starts: list[int] = []
        self._sections: list[str] = []
        path: list[str] = ["", "", "", "", ""]
        annex = ""
        offset = 0
        for line in text.split("\n"):
            self._starts.append(offset)
            offset += len(line) + 1
            annex, path = _section_step(line, annex, path)
            parts = "".join(p for p in path if p)
            self._sections.append(" ".join(p for p in (annex, parts) if p))

    def line(self, offset: int) -> int:
        """The 1-based line number of ``offset``."""
        return bisect_right(self._starts, offset)

    def section(self, offset: int) -> str:
        """The section path at ``offset`` (empty before the first heading)."""
        return self._sections[self.line(offset) - 1]


_HEAD: Final = re.compile(
    rf"^[ \t\u3000#*\-]*(?:"
    rf"(?P<annex>附件{_SP}(?P<annex_no>{_D}{{1,2}})?){_SP}[：:]?{_SP}$"
    rf"|(?P<l1>[{_CN_CHARS}]{{1,3}}){_SP}[、.．]"
    rf"|[（(]{_SP}(?P<l2>[{_CN_CHARS}]{{1,3}}){_SP}[)）]"
    rf"|(?P<l3>{_D}{{1,2}}){_SP}(?:[、]|[.．](?![0-9０-９]))"
    rf"|[（(]{_SP}(?P<l4>{_D}{{1,2}}){_SP}[)）]"
    rf"|(?P<l5>[①-⑳]))"
)


def _section_step(line: str, annex: str, path: list[str]) -> tuple[str, list[str]]:
    m = _HEAD.match(line)
    if m is None:
        return annex, path
    if m.group("annex"):
        number = (m.group("annex_no") or "").translate(_FULL_WIDTH)
        return f"附件{number}", ["", "", "", "", ""]
    for level, name in enumerate(("l1", "l2", "l3", "l4", "l5")):
        value = m.group(name)
        if value:
            shown = value.translate(_FULL_WIDTH)
            if name in ("l2", "l4"):
                shown = f"({shown})"
            return annex, [*path[:level], shown, *([""] * (4 - level))]
    return annex, path
