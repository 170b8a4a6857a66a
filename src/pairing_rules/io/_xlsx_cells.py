"""Values as cells of a written workbook: their XML, and how wide they show.

Every string is a text cell (an inline string, never a formula), its control characters shown as
visible symbols and never in the XML, cut (and marked) at the most characters a cell holds; a
number is a number.  A Chinese character shows two columns wide.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any, Final

#: characters XML 1.0 cannot hold, and C0/C1 controls other than tab and line feed
_UNSAFE: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_ESCAPES: Final = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})

#: the most characters a cell holds in Excel and WPS (a longer text makes them "repair" the file)
MAX_CELL_TEXT: Final = 32_767
_CUT: Final = "…（已截断 / truncated）"


def cell_text(text: str) -> str:
    """``text`` as a cell holds it: control characters shown, cut (and marked) at
    :data:`MAX_CELL_TEXT` characters."""
    text = visible(text)
    if len(text) > MAX_CELL_TEXT:
        return text[: MAX_CELL_TEXT - len(_CUT)] + _CUT
    return text


def control_symbol(match: re.Match[str]) -> str:
    """The symbol shown for a control character (``\\x00`` → ``␀``, DEL → ``␡``; others ``�``)."""
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "␡"
    return "\ufffd"


def visible(text: str) -> str:
    """``text`` with control characters shown as symbols (``\\x00`` → ``␀``, ESC → ``␛``)."""
    return _UNSAFE.sub(control_symbol, text)


def escape(text: str) -> str:
    """``text`` as XML character data (control characters shown, markup escaped)."""
    if _UNSAFE.search(text):
        text = visible(text)
    # most texts have nothing to escape: looking is faster than translating
    if "&" in text or "<" in text or ">" in text or '"' in text:
        return text.translate(_ESCAPES)
    return text


def _number(value: int | float | Decimal) -> str:
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return repr(value) if value == value else ""  # NaN has no cell
    return str(value)


#: how many distinct cells (a label, a grade, a number) are kept ready-made
CELLS_KEPT: Final = 20_000


#: an empty cell: it holds the place of a ``None`` followed by a value in the same row (cells
#: carry no reference, so each is in the column after the one before it)
EMPTY_CELL: Final = "<c/>"


def cell_xml(value: Any, style: int) -> str:
    """The XML of one cell: a string as an inline string (never a formula), a number as a value."""
    attr = f' s="{style}"' if style else ""
    if isinstance(value, str):
        text = escape(cell_text(value) if len(value) > MAX_CELL_TEXT else value)
        if text[:1].isspace() or text[-1:].isspace():
            return f'<c{attr} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
        return f'<c{attr} t="inlineStr"><is><t>{text}</t></is></c>'
    if isinstance(value, bool):
        return f'<c{attr} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f"<c{attr}><v>{_number(value)}</v></c>"
    return f'<c{attr} t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


#: characters a cell shows two columns wide (East Asian wide and full-width): CJK, kana, hangul,
#: full-width forms; any other character is looked up
_WIDE: Final = re.compile(
    "[\u1100-\u115f\u231a\u231b\u2329\u232a\u2e80-\u303e\u3041-\u3247\u3250-\u33ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff"
    "\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0002fffd"
    "\U00030000-\U0003fffd]"
)


def display_width(text: str) -> int:
    """How many columns ``text`` takes in a cell: a Chinese (wide) character counts two.

    >>> display_width("CN-01"), display_width("县江滨实验小学"), display_width("A4 纸")
    (5, 14, 5)
    """
    if text.isascii():
        return len(text)
    rest = _WIDE.sub("", text)
    wide = len(text) - len(rest)
    if rest.isascii():  # Chinese and ASCII, as report cells are: no lookup per character
        return len(rest) + 2 * wide
    return 2 * wide + sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in rest)


def shown_width(text: str) -> int:
    """How wide a column must be to show ``text`` (its widest line, and a margin)."""
    if "\n" in text:
        return max(display_width(line) for line in text.split("\n")) + 2
    return display_width(text) + 2
