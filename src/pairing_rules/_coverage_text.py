"""Finding things in a document's text: a quote, a number, the rows of a printed table.

White space is not significant in the documents (a line break can fall inside a
name or a number), so searches run on the text with white space removed and
map back to offsets in the text (:class:`DocText`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Final

from ._numerals import NumberToken

_SPACE: Final = re.compile(r"\s")
SPACES: Final = re.compile(r"\s+")
_FULL_WIDTH: Final = str.maketrans("０１２３４５６７８９．", "0123456789.")
HAS_NUMERAL: Final = re.compile(r"[0-9０-９零〇一二三四五六七八九十百千万亿两]")


class DocText:
    """A text with white space removed, and the way back to offsets in the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offsets = [i for i, c in enumerate(text) if not _SPACE.match(c)]
        self.flat = "".join(text[i] for i in self.offsets)

    def find_all(self, needle: str, start: int = 0) -> list[tuple[int, int]]:
        """Every place of ``needle`` (white space removed) as offsets in the text."""
        flat = SPACES.sub("", needle)
        out: list[tuple[int, int]] = []
        if not flat:
            return out
        i = self.flat.find(flat, start)
        while i != -1:
            out.append((self.offsets[i], self.offsets[i + len(flat) - 1] + 1))
            i = self.flat.find(flat, i + 1)
        return out

    def flat_index(self, offset: int) -> int:
        """The index in :attr:`flat` of the first non-space character at or after ``offset``."""
        return bisect_left(self.offsets, offset)


def inside(token: NumberToken, span: tuple[int, int]) -> bool:
    return span[0] <= token.start and token.end <= span[1]


def number_key(value: object) -> str:
    if isinstance(value, Decimal):
        value = value.normalize()
        return f"{value:f}"
    return SPACES.sub("", str(value)).translate(_FULL_WIDTH).replace(",", "")


def is_number(cell: object) -> bool:
    return isinstance(cell, int | Decimal) or bool(
        isinstance(cell, str) and re.fullmatch(r"[0-9０-９.,．]+", cell.strip())
    )


def match_rows(
    doc: DocText,
    block: tuple[int, int],
    rows: Sequence[Sequence[object]],
    tokens: list[NumberToken],
) -> set[int]:
    """Which of ``tokens`` (numbers of a printed table) are values of ``rows``.

    Each row is found by its most distinctive text cell (a name); the numbers
    between its neighbours' names are its candidates, nearest first, and each
    of its values accounts for one of them.  Numbers inside a text cell of the
    table (a school's name) are accounted for where that text is printed.
    """

    def within(places: list[tuple[int, int]]) -> list[tuple[int, int]]:
        return [s for s in places if block[0] <= s[0] and s[1] <= block[1]]

    def names(cells: Sequence[object]) -> list[str]:
        return [
            SPACES.sub("", c)
            for c in cells
            if isinstance(c, str) and not is_number(c) and c.strip()
        ]

    shared = Counter(t for cells in rows for t in set(names(cells)))
    places: dict[str, list[tuple[int, int]]] = {}
    anchors: list[tuple[tuple[int, int], Sequence[object]]] = []
    pool: Counter[str] = Counter()
    position = block[0]
    for cells in rows:
        texts = names(cells)
        for text in texts:
            if text not in places:
                places[text] = within(doc.find_all(text))
        found = [t for t in texts if places[t]]
        if not found:
            pool.update(number_key(c) for c in cells if is_number(c))
            continue
        name = min(found, key=lambda t: (shared[t], len(places[t]), -len(t)))
        later = [s for s in places[name] if s[0] >= position] or places[name]
        anchors.append((later[0], cells))
        position = later[0][1]
    matched: set[int] = set()
    named = [s for text, spans in places.items() if HAS_NUMERAL.search(text) for s in spans]
    for k, token in enumerate(tokens):
        if any(inside(token, s) for s in named):
            matched.add(k)
    anchors.sort(key=lambda a: a[0])
    for j, (anchor, cells) in enumerate(anchors):
        low = anchors[j - 1][0][1] if j else block[0]
        high = anchors[j + 1][0][0] if j + 1 < len(anchors) else block[1]
        values = Counter(number_key(c) for c in cells if is_number(c))
        candidates = [
            k for k, t in enumerate(tokens) if k not in matched and low <= t.start and t.end <= high
        ]
        candidates.sort(key=lambda k: abs(tokens[k].start - anchor[0]))
        for k in candidates:
            key = number_key(tokens[k].text)
            if values[key] > 0:
                values[key] -= 1
                matched.add(k)
    for k, token in enumerate(tokens):
        key = number_key(token.text)
        if k not in matched and pool[key] > 0:
            pool[key] -= 1
            matched.add(k)
    return matched
