"""Text and JSON renderings of packs and reports for the command line."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from .._numbers import format_number, to_decimal
from .._provenance import render_source
from .._words import Vocabulary, code_label, date_text, kind_label, vocabulary

if TYPE_CHECKING:
    from rich.console import Console

    from .._dataset import Rejection
    from .._engine import AuditReport, QuotaReport
    from .._i18n import Lang, Text
    from .._pack import Pack


def _console(stderr: bool = False) -> Console:
    import os

    from ._rich import SafeConsole

    stream = sys.stderr if stderr else sys.stdout
    width = None
    if not stream.isatty():
        columns = os.environ.get("COLUMNS", "")
        width = int(columns) if columns.isdigit() and int(columns) > 0 else 120
    return SafeConsole(file=stream, width=width, highlight=False, soft_wrap=False, markup=False)


def console() -> Console:
    """A console on standard output (120 columns when it is not a terminal, or ``COLUMNS``)."""
    return _console()


def pack_line(pack: Pack, lang: Lang) -> str:
    """The version stamp of a report: ``规则包版本 cangnan2022@2.0.0（内容哈希 sha256:…）``."""
    if lang == "zh":
        return f"规则包版本 {pack.ref}（内容哈希 {pack.content_hash}）"
    return f"pack {pack.ref} (content hash {pack.content_hash})"


def interpretation_lines(uses: Sequence[Any], vocabulary: Vocabulary, lang: Lang) -> list[str]:
    """The interpretations a result used, one a line: the question and the reading taken."""
    if not uses:
        return []
    zh = lang == "zh"
    out = [
        "所用解释口径（可用 --set 改变）：" if zh else "Interpretations used (change with --set):"
    ]
    for u in uses:
        mark = "" if u.default else ("（非默认）" if zh else " (not the default)")
        out.append(
            f"  · {vocabulary.question(u.id, lang)} — {vocabulary.answer(u.id, u.value, lang)}{mark}"
        )
    return out


def _t(text: Text, lang: Lang) -> str:
    return text.get(lang)


def pack_summary(pack: Pack) -> dict[str, Any]:
    """The ``packs --format json`` object of one pack (a :class:`~pairing_rules.PackSummary`)."""
    from .._pack_info import pack_summary as summary

    return summary(pack).model_dump(mode="json")


def pack_detail(pack: Pack) -> dict[str, Any]:
    """The ``show --format json`` object (a :class:`~pairing_rules.PackDetail`)."""
    from .._pack_info import pack_detail as detail

    return detail(pack).model_dump(mode="json")


def packs_table(packs: Sequence[Pack], lang: Lang) -> None:
    from ._rich import SafeTable as Table

    zh = lang == "zh"
    table = Table(title="已安装的规则包" if zh else "Installed packs")
    for head in (
        ("编号", "id"),
        ("版本", "version"),
        ("文件", "document"),
        ("发文单位", "issuer"),
        ("文号", "number"),
        ("发布日期", "published"),
        ("扩展", "extensions"),
    ):
        table.add_column(head[0] if zh else head[1], overflow="fold")
    for p in packs:
        doc = p.document
        table.add_row(
            p.id,
            p.version,
            doc.title,
            doc.issuer,
            doc.doc_number or "—",
            date_text(doc.published, lang) if doc.published else "—",
            "、".join(e.render() for e in p.extensions) or "—",
        )
    _console().print(table)
    if not packs:
        _console().print("没有已安装的规则包。" if zh else "No packs are installed.")


def show_text(pack: Pack, lang: Lang) -> None:
    """Every provision of a pack: what it is, its value in words and its citation; then the
    interpretations, with the option that chooses another reading."""
    from ._rich import SafeTable as Table

    zh = lang == "zh"
    words = vocabulary(pack)
    console = _console()
    doc = pack.document
    console.print(pack.definition.label.get(lang), style="bold")
    console.print(pack_line(pack, lang), style="dim")
    console.print(f"{doc.title}")
    console.print(
        f"{'发文单位' if zh else 'Issuer'}: {doc.issuer}   "
        f"{'文号' if zh else 'Number'}: {doc.doc_number or '—'}   "
        f"{'发布日期' if zh else 'Published'}: {date_text(doc.published, lang) if doc.published else '—'}"
    )
    for note in doc.notes:
        console.print(f"  · {_t(note, lang)}")
    table = Table(title="条款" if zh else "Provisions", show_lines=False)
    heads = (
        (("序号", "类别", "内容", "取值", "出处"))
        if zh
        else ("id", "kind", "label", "value", "source")
    )
    for head in heads:
        table.add_column(head, overflow="fold")
    for n, prov in enumerate(pack.provisions(), start=1):
        table.add_row(
            str(n) if zh else prov.id,
            kind_label(prov.kind, pack).get(lang),
            _t(prov.label, lang),
            _short(words.value(prov.value, lang), 200),
            prov.source.render(),
        )
    console.print(table)
    if pack.definition.interpretations:
        itable = Table(title="解释口径" if zh else "Interpretations")
        columns = (
            ("问题", "默认", "可选（命令行写法）")
            if zh
            else ("question", "default", "readings (option)")
        )
        for head in columns:
            itable.add_column(head, overflow="fold")
        for interp in pack.definition.interpretations:
            itable.add_row(
                _t(interp.label, lang),
                interp.describe(interp.default).get(lang),
                ("；" if zh else "; ").join(
                    f"{_t(a.label, lang)}（`--set {interp.id}={a.value}`）"
                    if zh
                    else f"{_t(a.label, lang)} (`--set {interp.id}={a.value}`)"
                    for a in interp.alternatives
                ),
            )
        console.print(itable)


def _short(value: Any, limit: int = 80) -> str:
    """``value`` cut to ``limit`` characters at a separator (a name is never cut in two)."""
    import json
    import re

    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if len(text) <= limit:
        return text
    cuts = [m.start() for m in re.finditer(r"[、，,；;]\s*|\s+", text[:limit])]
    end = cuts[-1] if cuts else limit - 1
    return text[:end].rstrip("、，,；; ") + " …"


def audit_text(report: AuditReport, pack: Pack, lang: Lang) -> None:
    """The inconsistencies of a pack's document, each named by what kind it is, with sources."""
    zh = lang == "zh"
    console = _console()
    console.print(
        f"{pack.definition.label.get(lang)} · {'文件自身的不一致' if zh else 'inconsistencies in the document'}",
        style="bold",
    )
    console.print(pack_line(pack, lang), style="dim")
    if not report.findings:
        console.print(
            "未发现文件自身的不一致。" if zh else "No inconsistencies found in the document."
        )
        return
    console.print(
        f"发现 {len(report.findings)} 处不一致："
        if zh
        else f"{len(report.findings)} inconsistencies:"
    )
    for n, f in enumerate(report.findings, start=1):
        kind = code_label(f.code, pack).get(lang)
        console.print(
            f"{n}. 【{kind}】{_t(f.message, lang)}"
            if zh
            else f"{n}. [{kind}] {_t(f.message, lang)}"
        )
        console.print(f"   {'出处' if zh else 'source'}: {render_source(f.source)}", style="dim")
    for line in interpretation_lines(report.interpretations, vocabulary(pack), lang):
        console.print(line, style="dim")


def quota_text(report: QuotaReport, pack: Pack, lang: Lang) -> None:
    from ._rich import SafeTable as Table

    zh = lang == "zh"
    words = vocabulary(pack)
    console = _console()
    table = Table(title=_t(report.label, lang))
    has_parent = any(r.parent for r in report.rows)
    if has_parent:
        table.add_column(
            _t(report.parent_label, lang)
            if report.parent_label
            else ("上级地区" if zh else "parent")
        )
    table.add_column(_t(report.region_label, lang))
    table.add_column("公布" if zh else "published", justify="right")
    if report.audited:
        table.add_column("公式" if zh else "formula", justify="right")
        table.add_column("取整后" if zh else "computed", justify="right")
        table.add_column("偏差" if zh else "deviation", justify="right")
    for row in report.rows:
        cells = [row.parent or ""] if has_parent else []
        cells.append(row.region)
        cells.append(row.printed or ("—" if row.published is None else str(row.published)))
        if report.audited:
            cells.append(format_number(row.exact) if row.exact is not None else "—")
            cells.append("—" if row.computed is None else str(row.computed))
            cells.append(f"{row.deviation:+d}" if row.deviation else "0")
        table.add_row(*cells)
    console.print(table)
    console.print(("公布合计：" if zh else "Published total: ") + str(report.total_published))
    for s in report.sums:
        where = s["parent"] or ("合计" if zh else "total")
        mark = "✓" if s["matches"] else "✗"
        column = words.value(s["column"], lang)
        printed = format_number(to_decimal(s["printed"]))
        rows_sum = format_number(to_decimal(s["rows_sum"]))
        console.print(
            f"  {mark} {where} {column}：表中 {printed}，各行之和 {rows_sum}"
            if zh
            else f"  {mark} {where} {column}: printed {printed}, rows add up to {rows_sum}"
        )
    if report.audited:
        off = sum(1 for r in report.rows if r.deviation)
        console.print(
            f"与公式不符的行：{off} / {len(report.rows)}"
            if zh
            else f"rows departing from the formula: {off} of {len(report.rows)}"
        )
    for line in interpretation_lines(report.interpretations, words, lang):
        console.print(line, style="dim")


def diff_text(report: Any, a: Pack, b: Pack, lang: Lang) -> None:
    """What changed: every added, removed or changed topic with its details, then the replays."""
    zh = lang == "zh"
    words = {"A": vocabulary(a), "B": vocabulary(b)}
    sides = {"A": "甲" if zh else "A", "B": "乙" if zh else "B"}
    colon = "：" if zh else ": "
    console = _console()
    console.print(f"{report.a} → {report.b}", style="bold")
    marks = {"added": "+", "removed": "-", "changed": "~", "same": "="}
    names = {
        "added": ("新增", "added"),
        "removed": ("删除", "removed"),
        "changed": ("变化", "changed"),
        "same": ("相同", "same"),
    }
    same = 0
    for change in report.changes:
        kind = change.change.value
        if kind == "same":
            same += 1
            continue
        summary = (
            _details_summary(change.details, words["A"], words["B"], lang)
            if change.details and not all("text" in d for d in change.details)
            else _t(change.summary, lang)
        )
        console.print(
            f"{marks[kind]} [{names[kind][0 if zh else 1]}] {_t(change.label, lang)}{colon}{summary}"
        )
        for detail in change.details:
            if "text" in detail:  # the difference in words, as the diff wrote it
                console.print(f"    {detail['text']['zh' if zh else 'en']}", style="dim")
                continue
            label = detail["label"]["zh" if zh else "en"]
            console.print(
                f"    {label}{colon}{_shown(detail['a'], words['A'], lang)} → "
                f"{_shown(detail['b'], words['B'], lang)}",
                style="dim",
            )
        if change.details:
            continue
        for side, entries in (("A", change.a), ("B", change.b)):
            for entry in entries or []:
                shown = (
                    entry["words"]["zh" if zh else "en"]
                    if "words" in entry
                    else _shown(entry.get("condition", entry.get("value")), words[side], lang)
                )
                src = entry.get("source") or {}
                quote = f"  {src['section']}「{src['quote']}」" if src else ""
                console.print(f"    {sides[side]}{colon}{shown}{quote}", style="dim")
    console.print(
        f"相同：{same} 项" if zh else f"the same: {same} topic(s)",
        style="dim",
    )
    if report.replay is not None:
        console.print(
            ("检查结果不同的记录：" if zh else "Records whose check outcome differs: ")
            + str(len(report.replay)),
            style="bold",
        )
        for row in report.replay:
            parts = []
            for side in ("A", "B"):
                got = row[side.lower()]
                verdict = (
                    ("通过" if zh else "passed")
                    if got["passed"]
                    else ("未通过" if zh else "failed")
                )
                unmet = (
                    _shown(got.get("unmet") or None, words[side], lang) if got.get("unmet") else ""
                )
                parts.append(f"{sides[side]} {verdict} {unmet}".rstrip())
            console.print(f"  {row['id']}{colon}" + " / ".join(parts))
    if report.scores is not None:
        console.print(
            ("得分或等次不同的记录：" if zh else "Records whose total or grade differs: ")
            + str(len(report.scores)),
            style="bold",
        )
        for row in report.scores:
            console.print(
                f"  {row['id']}{colon}{_score(row['a'], a, lang)} → {_score(row['b'], b, lang)}"
            )
            for item in row["items"]:
                label = item["label"]["zh" if zh else "en"]
                console.print(
                    f"    {label}{colon}{_shown(item['a'], words['A'], lang)} → "
                    f"{_shown(item['b'], words['B'], lang)}",
                    style="dim",
                )


def _score(side: dict[str, Any] | None, pack: Pack, lang: Lang) -> str:
    zh = lang == "zh"
    if side is None:
        return "未评分" if zh else "not scored"
    grade = side["grade"] if zh else side["grade_en"]
    try:
        rubric = (pack.rubric(side["rubric"]).short_label or pack.rubric(side["rubric"]).label).get(
            lang
        )
    except (KeyError, StopIteration, ValueError):
        rubric = side["rubric"]
    total = format_number(to_decimal(side["total"]))
    return f"{rubric} {total}（{grade}）" if zh else f"{rubric} {total} ({grade})"


def _details_summary(
    details: Sequence[dict[str, Any]], a: Vocabulary, b: Vocabulary, lang: Lang, limit: int = 4
) -> str:
    """The first ``limit`` differences in words, as the lines below them show each one."""
    zh = lang == "zh"
    parts = [
        f"{d['label']['zh' if zh else 'en']} {_shown(d['a'], a, lang)} → {_shown(d['b'], b, lang)}"
        for d in details[:limit]
    ]
    more = len(details) - limit
    if more > 0:
        parts.append(f"另有 {more} 处" if zh else f"{more} more")
    return ("；" if zh else "; ").join(parts)


def _shown(value: Any, words: Vocabulary, lang: Lang) -> str:
    if value is None:
        return "—"
    return words.value(value, lang)


def notices_to_stderr(notices: Sequence[Any], lang: Lang) -> None:
    """One line per notice about the input file on standard error."""
    from ._terminal import clean_line

    for n in notices:
        print(clean_line(f"pairing-rules: {n.render(lang)}"), file=sys.stderr)


#: at most this many rejected records are listed on standard error (every one is in the report)
REJECTIONS_SHOWN: Final = 200


def rejections_to_stderr(
    rejected: Sequence[Rejection], lang: Lang, *, report: str | None = None
) -> None:
    """One line per rejected record on standard error (the first :data:`REJECTIONS_SHOWN`)."""
    prefix = "未处理 " if lang == "zh" else "rejected "
    lines = [f"pairing-rules: {prefix}{r.render(lang)}" for r in rejected[:REJECTIONS_SHOWN]]
    more = len(rejected) - REJECTIONS_SHOWN
    if more > 0:
        where_zh = (
            f"完整列表见 {report}" if report else "完整列表请用 --out 报告或 --format json 查看"
        )
        where_en = f"see {report} for all" if report else "see all with --out or --format json"
        lines.append(
            f"pairing-rules: 另有 {more} 条未处理的记录未在此列出；{where_zh}"
            if lang == "zh"
            else f"pairing-rules: {more} more rejected records are not listed here; {where_en}"
        )
    if lines:
        from ._terminal import clean_line

        print("\n".join(clean_line(line) for line in lines), file=sys.stderr)
