"""The pack beside its text: one HTML page of the whole document with the pack woven in.

Every passage a citation quotes is highlighted and links to the provisions,
rules and interpretations that cite it (listed beside the text, each linking
back to every place it quotes); every number is marked with what accounts for
it: a citation, a transcribed table, a ``not_rules`` entry with its reason, or
nothing (uncovered).  The page is self-contained (no script, no external
asset), escaped, printable, Chinese first with English beside it.

:func:`render_literate` returns the page (``standalone=True``) or a fragment to
embed in another page (the documentation site embeds one per pack).
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from .._coverage import GROUP_LABELS, STATUS_LABELS, Citation, CoverageReport, NumberCoverage
from .._i18n import Text

#: prefix of every id of the page, so that an embedding page's ids never clash
ID: Final = "pr-"
#: owners listed in a passage's tooltip before "… and N more"
TOOLTIP_OWNERS: Final = 6

_LABELS: Final = {
    "title": Text(zh="原文对照", en="The pack beside its text"),
    "coverage": Text(zh="文件覆盖率", en="Document coverage"),
    "counted": Text(zh="计入的数字", en="numbers counted"),
    "covered": Text(zh="已覆盖", en="accounted for"),
    "document": Text(zh="文件全文", en="The document"),
    "citations": Text(
        zh="引用原文的条款、规则与解释口径",
        en="Provisions, rules and interpretations quoting the text",
    ),
    "uncovered": Text(zh="未覆盖的数字", en="Uncovered numbers"),
    "not_rules": Text(
        zh="非规则数字的说明（not_rules）", en="Numbers that are not rules (not_rules)"
    ),
    "legend": Text(zh="图例", en="Legend"),
    "passage": Text(
        zh="被引用的原文（颜色越深，引用越多）", en="quoted passage (darker: quoted more often)"
    ),
    "line": Text(zh="第 {n} 行", en="line {n}"),
    "places": Text(zh="原文位置", en="in the text"),
    "not_found": Text(zh="原文中找不到", en="not found in the text"),
    "suggestion": Text(zh="建议的上下文", en="suggested context"),
    "stale": Text(zh="过时", en="stale"),
    "numbers": Text(zh="涉及的数字", en="numbers"),
    "none": Text(zh="无", en="none"),
    "english": Text(zh="显示英文", en="show English"),
    "pack": Text(zh="规则包", en="pack"),
    "hash": Text(zh="内容哈希", en="content hash"),
    "and_more": Text(zh="等 {n} 条", en="and {n} more"),
    "table": Text(zh="表格", en="table"),
    "from_to": Text(zh="自第 {a} 行至第 {b} 行", en="lines {a} to {b}"),
    "all_covered": Text(
        zh="每个数字都已引用或说明。", en="Every number is cited or accounted for."
    ),
}


def _bi(text: Text) -> dict[str, str]:
    return {"zh": text.zh, "en": text.en if text.en != text.zh else ""}


def _t(key: str, **values: object) -> dict[str, str]:
    return _bi(_LABELS[key].format(**values) if values else _LABELS[key])


@dataclass
class _Piece:
    text: str
    cites: tuple[int, ...] = ()
    number: NumberCoverage | None = None
    first: bool = False
    markers: list[dict[str, str]] = field(default_factory=list)


def _pieces(report: CoverageReport) -> list[list[_Piece]]:
    """The text cut where a citation or a number starts or ends, line by line."""
    text = report.text
    events: dict[int, list[tuple[int, int]]] = {}
    bounds = {0, len(text)}
    starts: dict[int, list[dict[str, str]]] = {}
    for c_index, citation in enumerate(report.citations):
        for place, (a, b) in enumerate(citation.spans, start=1):
            events.setdefault(a, []).append((c_index, 1))
            events.setdefault(b, []).append((c_index, -1))
            starts.setdefault(a, []).append(
                {
                    "id": f"{ID}{citation.anchor}-{place}",
                    "href": f"#{ID}{citation.anchor}",
                    "n": citation.anchor.removeprefix("c"),
                    "title": _owner_title(report, [c_index]),
                }
            )
            bounds |= {a, b}
    for number in report.numbers:
        bounds |= {number.token.start, number.token.end}
    for i, ch in enumerate(text):
        if ch == "\n":
            bounds |= {i, i + 1}
    active: dict[int, int] = {}
    lines: list[list[_Piece]] = [[]]
    numbers = iter(report.numbers)
    current: NumberCoverage | None = next(numbers, None)
    seen: set[str] = set()
    ordered = sorted(bounds)
    for a, b in itertools.pairwise(ordered):
        for c_index, delta in events.get(a, []):
            active[c_index] = active.get(c_index, 0) + delta
            if not active[c_index]:
                del active[c_index]
        while current is not None and current.token.end <= a:
            current = next(numbers, None)
        piece_text = text[a:b]
        if piece_text == "\n":
            lines.append([])
            continue
        here = current if current is not None and current.token.start <= a else None
        piece = _Piece(piece_text, tuple(sorted(active)), here, markers=starts.get(a, []))
        if here is not None and here.anchor not in seen:
            piece.first = True
            seen.add(here.anchor)
        lines[-1].append(piece)
    return lines


def _owner_title(report: CoverageReport, cites: Sequence[int]) -> str:
    shown = []
    for i in cites[:TOOLTIP_OWNERS]:
        c = report.citations[i]
        label = f"：{c.label.zh}" if c.label else ""
        shown.append(f"{GROUP_LABELS[c.group].zh} {c.owner}{label}")
    if len(cites) > TOOLTIP_OWNERS:
        shown.append(_LABELS["and_more"].zh.format(n=len(cites) - TOOLTIP_OWNERS))
    return "\n".join(shown)


def _narrowest(report: CoverageReport, cites: Sequence[int]) -> Citation:
    def width(i: int) -> int:
        return min(b - a for a, b in report.citations[i].spans)

    return report.citations[min(cites, key=width)]


def _render_piece(report: CoverageReport, piece: _Piece) -> dict[str, Any]:
    out: dict[str, Any] = {"text": piece.text, "markers": piece.markers}
    depth = min(len(piece.cites), 3)
    classes = [f"q q{depth}"] if depth else []
    number = piece.number
    if number is None:
        if depth:
            out["href"] = f"#{ID}{_narrowest(report, piece.cites).anchor}"
            out["title"] = _owner_title(report, piece.cites)
        out["cls"] = " ".join(classes)
        return out
    classes.append(f"num s-{number.status}")
    status = STATUS_LABELS[number.status]
    title = [f"{status.zh} / {status.en}"]
    if number.status == "cited":
        out["href"] = f"#{ID}{_narrowest(report, number.cited_by).anchor}"
        title.append(_owner_title(report, number.cited_by))
    elif number.status in ("justified", "table") and number.entry is not None:
        out["href"] = f"#{ID}nr-{number.entry}"
        entry = report.entries[number.entry].entry
        title.append(f"{entry.kind.label.zh}：{entry.reason.zh}")
        title.append(f"{entry.kind.label.en}: {entry.reason.en}")
    elif number.status == "uncovered":
        out["href"] = f"#{ID}u-{number.anchor}"
        title.append(number.section or "")
    if piece.first:
        out["id"] = f"{ID}{number.anchor}"
    out["title"] = "\n".join(t for t in title if t)
    out["cls"] = " ".join(classes)
    return out


def _lines(report: CoverageReport) -> list[dict[str, Any]]:
    out = []
    blank = False
    for n, pieces in enumerate(_pieces(report), start=1):
        empty = all(not p.text.strip() for p in pieces) and not any(p.markers for p in pieces)
        if empty and blank:
            continue  # runs of blank lines (flattened tables) shown as one
        blank = empty
        out.append({"n": n, "pieces": [_render_piece(report, p) for p in pieces]})
    return out


def _citation_groups(report: CoverageReport) -> list[dict[str, Any]]:
    line_of = _line_finder(report.text)
    numbers_of: dict[int, int] = {}
    for number in report.numbers:
        for i in number.cited_by:
            numbers_of[i] = numbers_of.get(i, 0) + 1
    groups: dict[str, list[dict[str, Any]]] = {g: [] for g in GROUP_LABELS}
    for i, c in enumerate(report.citations):
        groups[c.group].append(
            {
                "id": f"{ID}{c.anchor}",
                "n": c.anchor.removeprefix("c"),
                "owner": c.owner,
                "label": _bi(c.label) if c.label else None,
                "section": c.source.section,
                "quote": c.source.quote,
                "places": [
                    {"href": f"#{ID}{c.anchor}-{k}", "line": _t("line", n=line_of(a))}
                    for k, (a, _b) in enumerate(c.spans, start=1)
                ],
                "numbers": numbers_of.get(i, 0),
            }
        )
    return [
        {"label": _bi(GROUP_LABELS[g]), "items": items, "group": g}  # type: ignore[index]
        for g, items in groups.items()
        if items
    ]


def _line_finder(text: str) -> Any:
    from bisect import bisect_right

    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    return lambda offset: bisect_right(starts, offset)


def _entries(report: CoverageReport) -> list[dict[str, Any]]:
    line_of = _line_finder(report.text)
    out = []
    for e in report.entries:
        numbers = [report.numbers[n] for n in e.numbers]
        item: dict[str, Any] = {
            "id": f"{ID}nr-{e.index}",
            "index": e.index,
            "kind": _bi(e.entry.kind.label),
            "kind_id": e.entry.kind.value,
            "text": e.entry.text,
            "table": e.entry.table,
            "context": e.entry.context,
            "reason": _bi(e.entry.reason),
            "problem": _bi(e.problem) if e.problem else None,
            "numbers": [{"href": f"#{ID}{n.anchor}", "text": n.token.text} for n in numbers][:12],
            "more": max(0, len(numbers) - 12),
            "count": len(numbers),
        }
        if e.span is not None:
            item["where"] = (
                _t("from_to", a=line_of(e.span[0]), b=line_of(e.span[1] - 1))
                if e.entry.table
                else _t("line", n=line_of(e.span[0]))
            )
        out.append(item)
    return out


def literate_context(report: CoverageReport) -> dict[str, Any]:
    """Everything the template shows, as plain data (tested without rendering)."""
    counts = [
        {"status": s, "label": _bi(label), "count": report.count(s)}
        for s, label in STATUS_LABELS.items()
    ]
    return {
        "t": {k: _bi(v) for k, v in _LABELS.items()},
        "id": ID,
        "pack_ref": report.pack_ref,
        "content_hash": report.content_hash,
        "title": report.title,
        "label": _bi(report.label) if report.label else None,
        "percent": f"{report.percent}%",
        "complete": report.complete,
        "counted": report.counted,
        "covered": report.covered,
        "counts": counts,
        "lines": _lines(report),
        "citations": _citation_groups(report),
        "uncovered": [
            {
                "id": f"{ID}u-{n.anchor}",
                "href": f"#{ID}{n.anchor}",
                "text": n.token.text,
                "line": _t("line", n=n.line),
                "section": n.section,
                "before": n.before,
                "after": n.after,
                "suggestion": n.suggestion,
            }
            for n in report.uncovered
        ],
        "entries": _entries(report),
        "stale": len(report.stale),
    }


def render_literate(report: CoverageReport, *, standalone: bool = True) -> str:
    """The literate view of ``report`` as HTML: a whole page, or a fragment to embed."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = env.get_template("literate.html.j2")
    return template.render(standalone=standalone, **literate_context(report))


def write_text_file(text: str, path: str | Path) -> Path:
    """Write ``text`` to ``path`` through a temporary file renamed into place."""
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{file.name}.", dir=file.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temp, 0o666 & ~mask)  # as an ordinary new file, not mkstemp's 0600
        os.replace(temp, file)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return file
