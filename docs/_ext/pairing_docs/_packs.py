"""One reference page per installed pack, written from the pack itself.

:func:`render_pack` turns a loaded :class:`~pairing_rules.Pack` into MyST
Markdown: the document's metadata, the fields the pack reads, every provision
with its section and quote, the interpretations, rubrics, requirements, group
requirements, quota tables, progress, milestones, reference tables, stated
figures, declared conflicts and the findings of :func:`pairing_rules.audit`.
Nothing on the page is typed by hand, so the page cannot disagree with the code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import pairing_rules as pr
from pairing_rules import Pack, PackDefinition

from ._md import (
    BR,
    NONE,
    SOURCE,
    bi,
    bi_inline,
    cite,
    code,
    esc,
    fields,
    heading,
    section_of,
    source_cell,
    table,
    value,
)
from ._pack_rules import (
    conflicts,
    figures,
    groups,
    milestones,
    progress,
    quotas,
    requirements,
    rubrics,
    tables,
)

#: the folder (under the Sphinx source folder) that holds the generated pages
GENERATED_DIR: Final = "packs"

_NOTICE: Final = (
    "<!-- 本页由 docs/_ext/pairing_docs 根据已安装的规则包生成，请勿手工编辑。\n"
    "     Generated from the installed pack by docs/_ext/pairing_docs; do not edit. -->\n"
)


# ------------------------------------------------------------------------------- pages


def pack_page(pack: Pack) -> str:
    """The generated page of ``pack``: a title and the ``pack-reference`` directive."""
    return (
        f"{_NOTICE}\n"
        f"(pack-{pack.id})=\n"
        f"# {pack.id}：{esc(pack.definition.label.zh)}\n\n"
        f"```{{pack-reference}} {pack.id}\n```\n"
    )


def index_page(packs: Sequence[Pack]) -> str:
    """The generated list of installed packs, with a toctree of their pages."""
    out = [
        _NOTICE,
        "(packs)=",
        "# 规则包 / Packs",
        "",
        "每个已安装的规则包一页，在每次构建文档时由规则包本身生成：文件信息、每一条条款及其出处和原文、"
        "考核细则、要求、定额表、时间节点、解释口径、审计结果，以及它读取的数据字段。",
        "",
        "*One page per installed pack, generated from the pack at every build of these pages: "
        "the document's metadata, every provision with its section and verbatim quote, rubrics, "
        "requirements, quota tables, milestones, interpretations, the audit findings and the "
        "record fields it reads.*",
        "",
    ]
    if not packs:
        out += ["当前没有安装任何规则包。/ *No pack is installed.*", ""]
        return "\n".join(out)
    rows = []
    for pack in packs:
        doc = pack.document
        rows.append(
            [
                f"[{pack.id}]({pack.id}.md)",
                esc(pack.version),
                esc(doc.title),
                esc(doc.issuer),
                value(doc.doc_number),
                value(doc.published.isoformat() if doc.published else None),
                str(len(pack.provisions())),
            ]
        )
    out.append(
        table(
            [
                "规则包 / *pack*",
                "版本 / *version*",
                "文件 / *document*",
                "发文单位 / *issuer*",
                "文号 / *number*",
                "日期 / *date*",
                "条款数 / *provisions*",
            ],
            rows,
        )
    )
    out += ["", "```{toctree}", ":hidden:", ":maxdepth: 1", ""]
    out += [pack.id for pack in packs]
    out += ["```", ""]
    return "\n".join(out)


def write_pages(srcdir: Path, packs: Sequence[Pack]) -> list[Path]:
    """Write the pages of ``packs`` under ``srcdir/packs``; remove pages of packs now gone.

    A page is rewritten only when its text changes, so an incremental build
    re-reads only what changed.  Returns the paths written.
    """
    folder = srcdir / GENERATED_DIR
    folder.mkdir(exist_ok=True)
    wanted = {"index.md": index_page(packs)}
    wanted |= {f"{pack.id}.md": pack_page(pack) for pack in packs}
    for stale in folder.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    written = []
    for name, text in wanted.items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


# ------------------------------------------------------------------------------- body


def render_pack(pack: Pack) -> str:
    """The reference of ``pack`` in MyST Markdown, from second-level headings down."""
    provisions = {p.id: p for p in pack.provisions()}
    parts = [
        _document(pack),
        _fields_read(pack),
        _provisions(pack),
        _interpretations(pack.definition),
        rubrics(pack, provisions),
        requirements(pack, provisions),
        groups(pack.definition),
        quotas(pack, provisions),
        progress(pack.definition),
        milestones(pack),
        tables(pack.definition),
        figures(pack.definition),
        conflicts(pack.definition),
        _audit(pack),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _document(pack: Pack) -> str:
    doc = pack.document
    d = pack.definition
    period = NONE
    if doc.effective_from or doc.effective_until:
        start = doc.effective_from.isoformat() if doc.effective_from else "…"
        end = doc.effective_until.isoformat() if doc.effective_until else "…"
        period = f"{start} — {end}"
    rows = [
        ("规则包 / *pack*", f"{code(pack.id)}{BR}{bi(d.label)}"),
        ("版本 / *version*", code(pack.ref)),
        ("内容哈希 / *content hash*", code(pack.content_hash)),
        ("文件标题 / *title*", esc(doc.title)),
        ("发文单位 / *issuer*", esc(doc.issuer)),
        ("文号 / *document number*", value(doc.doc_number)),
        ("发布日期 / *published*", value(doc.published.isoformat() if doc.published else None)),
        ("年度 / *year*", value(doc.year)),
        ("适用期 / *effective*", period),
        ("全文 / *full text*", f"{len(doc.text)} 字符 / *characters*"),
        ("读取的数据 / *collections*", "、".join(code(c) for c in pack.collections()) or NONE),
    ]
    if pack.file is not None:
        rows.append(("规则包文件 / *pack file*", code(f"{pack.file.parent.name}/{pack.file.name}")))
    out = [heading(f"pack-{pack.id}-document", 2, "文件 / Document"), fields(rows)]
    if doc.notes:
        out += ["", "说明 / *Notes*:", ""]
        out += [f"- {bi_inline(note)}" for note in doc.notes]
    out += [
        "",
        "在命令行中查看 / *On the command line*:",
        "",
        "```text",
        f"pairing-rules show {pack.id}",
        f"pairing-rules audit {pack.id}",
        "```",
    ]
    return "\n".join(out)


def _fields_read(pack: Pack) -> str:
    out = [
        heading(f"pack-{pack.id}-fields", 2, "读取的字段 / Fields read"),
        "每个数据集中规则读取的字段，以及读取它的规则（模板的列与此一致）。"
        " / *The fields each collection's rules read, and the rules that read them.*",
    ]
    for collection in pack.collections():
        model = pack.record_types[collection]
        read = pack.fields_read(collection)
        out += ["", f"### {code(collection)}（{code(model.__name__)}）", ""]
        if not read:
            out.append(
                "规则包的数据没有读取本数据集的字段（规则包代码中的钩子可能读取）。"
                " / *No rule of the pack's data reads a field of this collection "
                "(the pack's hooks may).*"
            )
            continue
        rows = []
        for name in sorted(read):
            label = pr.Text(
                zh=pr.field_label(model, name, "zh"), en=pr.field_label(model, name, "en")
            )
            rules = BR.join(f"{code(rule)}（{section_of(src)}）" for rule, _l, src in read[name])
            rows.append([code(name), bi(label), rules])
        out.append(table(["字段 / *field*", "名称 / *label*", "读取它的规则 / *read by*"], rows))
    return "\n".join(out)


def _provisions(pack: Pack) -> str:
    provisions = pack.provisions()
    rows = [
        [code(p.id), code(p.kind), bi(p.label), value(p.value), source_cell(p.source)]
        for p in provisions
    ]
    return "\n".join(
        [
            heading(f"pack-{pack.id}-provisions", 2, f"条款 / Provisions（{len(provisions)}）"),
            "`pairing-rules show` 列出的全部条款，每条都有出处和原文。"
            " / *Every provision `pairing-rules show` lists, each with its section and quote.*",
            "",
            table(
                [
                    "编号 / *id*",
                    "类型 / *kind*",
                    "条款 / *label*",
                    "值 / *value*",
                    SOURCE,
                ],
                rows,
            ),
        ]
    )


def _interpretation_users(d: PackDefinition) -> dict[str, list[str]]:
    users: dict[str, list[str]] = defaultdict(list)
    for rubric in d.rubrics:
        for key in rubric.interpretation_ids():
            users[key].append(f"rubric.{rubric.id}")
    for req in d.requirements:
        for key in req.interpretation_ids():
            users[key].append(f"requirement.{req.id}")
    for group in d.group_requirements:
        for key in group.interpretation_ids():
            users[key].append(f"group.{group.id}")
    for quota in d.quotas:
        for key in quota.interpretation_ids():
            users[key].append(f"quota.{quota.id}")
    for conflict in d.conflicts:
        if conflict.interpretation:
            users[conflict.interpretation].append(f"conflict.{conflict.id}")
    if any(m.month for m in d.milestones):
        users["milestones.month_due"].append("milestones")
    for hook in ("audit", "check"):
        for key in sorted(d.hook_interpretation_ids(hook)):
            users[key].append(f"hooks.{hook}")
    return users


def _interpretations(d: PackDefinition) -> str:
    if not d.interpretations:
        return ""
    users = _interpretation_users(d)
    out = [
        heading(
            f"pack-{d.id}-interpretations",
            2,
            f"解释口径 / Interpretations（{len(d.interpretations)}）",
        ),
        "文件未明确或有歧义之处：每个口径有默认值和可选值，可用 `--set 编号=取值` 覆盖，结果中注明所用口径。"
        " / *Where the document is silent or ambiguous: each interpretation has a default and "
        "alternatives, `--set ID=VALUE` overrides it, and every result lists the values it used.*",
    ]
    for interp in d.interpretations:
        alternatives = table(
            ["取值 / *value*", "含义 / *meaning*", "默认 / *default*"],
            [
                [code(a.value), bi(a.label), "✓" if a.value == interp.default else ""]
                for a in interp.alternatives
            ],
        )
        rows = [
            ("问题 / *question*", bi(interp.label)),
            ("类型 / *kind*", code(interp.kind)),
            ("默认值 / *default*", code(interp.default)),
        ]
        if interp.kind == "decimal":
            rows.append(
                ("取值范围 / *range*", f"{value(interp.minimum)} — {value(interp.maximum)}")
            )
        rows += [
            ("理由 / *rationale*", bi(interp.rationale)),
            ("出处 / *source*", cite(interp.source)),
            (
                "使用它的规则 / *used by*",
                "、".join(code(u) for u in users.get(interp.id, [])) or NONE,
            ),
        ]
        out += ["", f"### {code(interp.id)}", "", fields(rows), "", alternatives]
    return "\n".join(out)


def _audit(pack: Pack) -> str:
    report = pr.audit(pack)
    out = [
        heading(f"pack-{pack.id}-audit", 2, f"审计结果 / Audit findings（{len(report.findings)}）"),
        f"`pairing_rules.audit(pack)`（即 `pairing-rules audit {pack.id}`）在默认口径下的结果："
        "文件自身不一致之处；规则包保留文件印刷的数字。"
        f" / *What `pairing-rules audit {pack.id}` reports under the default interpretations: "
        "where the document disagrees with itself; the pack keeps the printed numbers.*",
        "",
    ]
    if report.interpretations:
        used = "、".join(f"{code(u.id)} = {code(u.value)}" for u in report.interpretations)
        out += [f"所用口径 / *interpretations used*：{used}", ""]
    if not report.findings:
        out.append("没有发现不一致。/ *No finding.*")
        return "\n".join(out)
    rows = []
    for f in report.findings:
        related = "、".join(section_of(s) for s in f.related)
        source = cite(f.source) + (f"{BR}相关 / *related*：{related}" if related else "")
        rows.append(
            [
                f"{code(f.code)}{BR}{code(f.subject)}",
                bi(f.message),
                f"{value(f.observed)} / {value(f.expected)}",
                source,
            ]
        )
    out.append(
        table(
            [
                "类型与对象 / *code, subject*",
                "说明 / *message*",
                "实际 / 应为 *observed / expected*",
                SOURCE,
            ],
            rows,
        )
    )
    return "\n".join(out)
