"""What reaches a terminal: never a control sequence from an input or a pack.

A value read from a file (an id, a school's name, a sheet's or a file's name)
may hold ESC, a carriage return, C1 controls or the bidirectional overrides
that reorder what a terminal shows.  Everything the command line prints goes
through :func:`clean`: such characters are shown as visible symbols
(``ESC`` → ``␛``, C1 and bidi controls → ``�``); a newline and a tab stay, but
not inside a message of one line (:func:`clean_line`).  JSON on standard output
escapes them (:func:`json_safe`).  The rich console and table used for text
output (:mod:`._rich`) clean what they are given before they lay it out.
"""

from __future__ import annotations

import re
from typing import Final

from ..io._xlsx_cells import control_symbol as _symbol

#: C0 controls but tab and line feed, DEL, C1 controls, the bidirectional embeddings,
#: overrides and isolates, and lone surrogates (which no terminal encoding holds)
_UNSAFE: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean(text: str) -> str:
    """``text`` safe to print on a terminal (control characters shown as symbols).

    :param text: anything that may hold a value from an input or a pack.
    """
    return _UNSAFE.sub(_symbol, text) if _UNSAFE.search(text) else text


def clean_line(text: str) -> str:
    """``text`` as one line on a terminal: a line break in it is shown as a symbol too.

    :param text: a message meant to be one line.
    """
    return clean(text).replace("\n", "␊").replace("\t", " ")


#: DEL, C1 controls and the bidirectional controls as UTF-8 (JSON escapes the C0 controls itself)
_UNSAFE_UTF8: Final = re.compile(b"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


def _escaped(match: re.Match[bytes]) -> bytes:
    return f"\\u{ord(match.group().decode('utf-8')):04x}".encode("ascii")


def json_safe(data: bytes) -> bytes:
    """UTF-8 JSON with the characters a terminal would act on written as ``\\uXXXX`` escapes
    (the same JSON value: they occur only inside strings).

    :param data: JSON as UTF-8.
    """
    return _UNSAFE_UTF8.sub(_escaped, data) if _UNSAFE_UTF8.search(data) else data
