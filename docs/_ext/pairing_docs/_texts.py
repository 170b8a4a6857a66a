"""One page per installed pack with the pack beside its text, and an index of them.

At ``builder-inited`` :func:`write_text_pages` writes ``packs/text/index.md`` and
``packs/text/<id>.md`` under the source folder (``packs/`` is kept out of git;
the pack reference pages beside them are written by :mod:`._packs`).  Each page
holds the ``{pack-text} ID`` directive, which :class:`PackText` renders as the
literate view of :mod:`pairing_rules.io._literate`: the whole document, every
cited passage linked to what cites it, every number marked with what accounts
for it.  The view is the one ``pairing-rules coverage ID --format html`` writes,
embedded without its page frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

import pairing_rules as pr
from pairing_rules._coverage import STATUS_LABELS, coverage
from pairing_rules.io._literate import render_literate

from ._md import esc, table

#: the folder (under the Sphinx source folder) of the generated pages
TEXT_DIR: Final = "packs/text"

_NOTICE: Final = (
    "<!-- 本页由 docs/_ext/pairing_docs 根据已安装的规则包生成，请勿手工编辑。\n"
    "     Generated from the installed pack by docs/_ext/pairing_docs; do not edit. -->\n"
)


def text_page(pack: pr.Pack) -> str:
    """The page of ``pack``: a title, a line on how to read it, and the ``pack-text`` directive."""
    return (
        f"{_NOTICE}\n"
        f"(pack-text-{pack.id})=\n"
        f"# {pack.id}：原文对照 / The pack beside its text\n\n"
        f"{esc(pack.document.title)}。规则包的全部条款见 {{ref}}`pack-{pack.id}`；"
        "本页逐字展示文件全文：被引用的原文加底色并链接到引用它的条款、规则和解释口径（上标编号），"
        "每个数字按其来由标色（见图例）。\n\n"
        "*The whole document, every quoted passage highlighted and linked to the provisions, rules "
        "and interpretations that quote it (superscript numbers), every number marked with what "
        f"accounts for it. The pack's reference is {{ref}}`pack-{pack.id}`.*\n\n"
        f"```{{pack-text}} {pack.id}\n```\n"
    )


def text_index(packs: Sequence[pr.Pack]) -> str:
    """The list of the text pages, with each pack's coverage."""
    out = [
        _NOTICE,
        "(pack-texts)=",
        "# 原文对照 / The packs beside their texts",
        "",
        "每个已安装的规则包一页：文件全文与规则包并排，每个数字或已被引用、或已转录为参照表、"
        "或在 `not_rules` 中说明了理由（见 {doc}`/coverage`）。",
        "",
        "*One page per installed pack: the document's whole text with the pack woven in; every "
        "number is cited, transcribed into a table, or listed in `not_rules` with its reason "
        "(see {doc}`/coverage`).*",
        "",
    ]
    if not packs:
        return "\n".join([*out, "当前没有安装任何规则包。/ *No pack is installed.*", ""])
    rows = []
    for pack in packs:
        report = coverage(pack)
        rows.append(
            [
                f"[{pack.id}]({pack.id}.md)",
                esc(pack.document.title),
                f"{report.percent}%",
                str(report.counted),
                *(str(report.count(s)) for s in ("cited", "table", "justified", "uncovered")),
            ]
        )
    header = [
        "规则包 / *pack*",
        "文件 / *document*",
        "覆盖率 / *coverage*",
        "数字 / *numbers*",
        *(
            f"{STATUS_LABELS[s].zh} / *{STATUS_LABELS[s].en}*"
            for s in ("cited", "table", "justified", "uncovered")
        ),
    ]
    out += [table(header, rows), "", "```{toctree}", ":hidden:", ":maxdepth: 1", ""]
    out += [pack.id for pack in packs]
    out += ["```", ""]
    return "\n".join(out)


def write_text_pages(srcdir: Path, packs: Sequence[pr.Pack]) -> list[Path]:
    """Write the text pages of ``packs`` under ``srcdir/packs/text``; remove those of packs now gone.

    A page is rewritten only when its text changes.  Returns the paths written.
    """
    folder = srcdir / TEXT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {"index.md": text_index(packs)} | {f"{p.id}.md": text_page(p) for p in packs}
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


class PackText(SphinxDirective):
    """``{pack-text} ID``: the pack beside its text, as raw HTML."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        from . import _dynamic

        try:
            pack = pr.get_pack(self.arguments[0])
        except pr.UnknownPackError as exc:
            raise self.error(str(exc)) from None
        _dynamic(self.env).add(self.env.docname)
        html = render_literate(coverage(pack), standalone=False)
        return [nodes.raw("", html, format="html")]
