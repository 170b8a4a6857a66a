"""Small helpers that write MyST Markdown: escaping, tables, bilingual labels and values."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from pairing_rules import Source, Text

#: ASCII punctuation that could start Markdown or MyST syntax inside running text
_SPECIAL: Final = re.compile(r"([\\`*_\[\]<>|{}~#!&$^])")
_SPACE: Final = re.compile(r"\s+")

NONE: Final = "—"
BR: Final = "<br>"
#: the header of a column of citations
SOURCE: Final = "出处 / *source*"


def esc(value: object) -> str:
    """``value`` as literal Markdown text on one line (white space collapsed)."""
    return _SPECIAL.sub(r"\\\1", _SPACE.sub(" ", str(value)).strip())


def code(value: object) -> str:
    """``value`` as inline code.

    A ``|`` is escaped, as a table cell needs even inside code (ids and expressions have none).
    """
    text = _SPACE.sub(" ", str(value)).strip().replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def bi(text: Text | None) -> str:
    """A bilingual label: the Chinese form, then the English one in italics when it differs."""
    if text is None:
        return NONE
    zh, en = text.zh.strip(), text.en.strip()
    if not en or en == zh:
        return esc(zh)
    return f"{esc(zh)}{BR}*{esc(en)}*"


def bi_inline(text: Text) -> str:
    """A bilingual label on one line: ``中文 / English``."""
    zh, en = text.zh.strip(), text.en.strip()
    return esc(zh) if not en or en == zh else f"{esc(zh)} / *{esc(en)}*"


def value(data: Any) -> str:
    """A JSON value for a person: numbers and texts as they are, structures as inline code."""
    if data is None:
        return NONE
    if isinstance(data, bool):
        return "是 / *yes*" if data else "否 / *no*"
    if isinstance(data, int | float | str):
        return esc(data) if str(data).strip() else NONE
    if isinstance(data, Text):
        return bi(data)
    if isinstance(data, list) and all(isinstance(x, str | int | float) for x in data):
        return "、".join(esc(x) for x in data) if data else NONE
    return esc(json.dumps(data, ensure_ascii=False, default=str))


def section_of(source: Source | None) -> str:
    """The section path of a citation."""
    return esc(source.section) if source is not None else NONE


def quote_of(source: Source | None) -> str:
    """The verbatim quote of a citation, in 「」."""
    return f"「{esc(source.quote)}」" if source is not None else NONE


def cite(source: Source | None) -> str:
    """A citation on one line: ``section「quote」``."""
    if source is None:
        return NONE
    return f"{esc(source.section)}「{esc(source.quote)}」"


def source_cell(source: Source | None) -> str:
    """A table cell with the section and, below it, the verbatim quote."""
    if source is None:
        return NONE
    return f"{section_of(source)}{BR}{quote_of(source)}"


def heading(anchor: str, level: int, title: str) -> str:
    """A heading with a label other pages can link to (``{ref}`anchor```)."""
    return f"({anchor})=\n{'#' * level} {title}\n"


def filter_text(spec: Mapping[str, Any] | None) -> str:
    """A record filter (``applies_to``, ``where``): ``type ∈ {融合型、共建型}``, ``year ≥ 2020``."""
    if not spec:
        return NONE
    parts = []
    for name, allowed in spec.items():
        if isinstance(allowed, Mapping) or hasattr(allowed, "at_least"):
            bounds = allowed if isinstance(allowed, Mapping) else allowed.model_dump()
            shown = []
            if bounds.get("at_least") is not None:
                shown.append(f"≥ {esc(bounds['at_least'])}")
            if bounds.get("at_most") is not None:
                shown.append(f"≤ {esc(bounds['at_most'])}")
            text = f"{code(name)} {' 且 '.join(shown)}"
            if bounds.get("blank"):
                text += "，或未填报 / *or not reported*"
            parts.append(text)
            continue
        listed = "、".join(esc(getattr(v, "value", v)) for v in allowed)
        parts.append(f"{code(name)} ∈ {{{listed}}}")
    return "；".join(parts)


def when_text(spec: Mapping[str, str | Sequence[str]] | None) -> str:
    """An interpretation gate (``when``): ``口径 = 取值``."""
    if not spec:
        return NONE
    parts = []
    for key, wanted in spec.items():
        values = [wanted] if isinstance(wanted, str) else list(wanted)
        parts.append(f"{code(key)} = {' / '.join(code(v) for v in values)}")
    return "；".join(parts)


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A pipe table; cells are Markdown already (see :func:`esc`)."""
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"row of {len(row)} cells under {len(header)} columns: {row!r}")
        lines.append("| " + " | ".join(cell or NONE for cell in row) + " |")
    return "\n".join(lines)


def fields(pairs: Iterable[tuple[str, str]]) -> str:
    """A two-column table of labelled values."""
    return table(["项目 / *item*", "内容 / *value*"], [[k, v] for k, v in pairs])
