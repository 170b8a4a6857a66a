"""Sphinx extension of the pairing-rules documentation: pages written from the code.

Four directives, for MyST Markdown pages:

``{pack-reference} ID``
    the full reference of the installed pack ``ID`` (see :mod:`._packs`);
``{cli-reference}``
    every subcommand and option of ``pairing-rules`` (see :mod:`._cli`);
``{record-fields} NAME``
    the JSON contract of the record model ``pairing_rules.NAME`` (see :mod:`._records`);
``{pack-text} ID``
    the pack ``ID`` beside its document's text (see :mod:`._texts`);
``{error-codes}``
    the table of every error code (see :mod:`._errors`);
``{result-schema} NAME``
    the JSON Schema of a result (or of a pack's input, ``input:ID``), as ``pairing-rules
    schema NAME`` prints it;
``{api-endpoints}``
    the server's routes, from its OpenAPI document (see :mod:`._api`).

At ``builder-inited`` one page per installed pack, and an index of them, are
written to ``packs/`` under the source folder (a folder kept out of git), and
one page per pack with its text to ``packs/text/``.
Pages that use a directive are read again at every build, since what they
show lives in the code, not in the page.
"""

from __future__ import annotations

import inspect
from typing import Any, Final

from docutils import nodes
from pydantic import BaseModel
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import pairing_rules as pr

from ._cli import render_cli
from ._errors import render_error_codes
from ._packs import GENERATED_DIR, render_pack, write_pages
from ._records import render_fields
from ._texts import TEXT_DIR, PackText, text_page, write_text_pages

__all__ = [
    "GENERATED_DIR",
    "TEXT_DIR",
    "render_cli",
    "render_error_codes",
    "render_fields",
    "render_pack",
    "setup",
    "text_page",
    "write_pages",
    "write_text_pages",
]

logger = logging.getLogger(__name__)

#: the attribute of the build environment listing the documents that use a directive here
_DYNAMIC: Final = "pairing_docs_dynamic"


class MarkdownDirective(SphinxDirective):
    """A directive whose output is MyST Markdown written by :meth:`markdown`.

    The Markdown is rendered in place, as MyST's own ``{include}`` renders an
    included file, so its headings become sections of the page.
    """

    has_content = False

    def markdown(self) -> str:
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        renderer = getattr(self.state, "_renderer", None)
        if renderer is None:
            raise self.error(f"{self.name} is for MyST Markdown pages")
        text = self.markdown()
        _dynamic(self.env).add(self.env.docname)
        renderer.nested_render_text(text, self.lineno)
        return []


class PackReference(MarkdownDirective):
    """``{pack-reference} ID``: the reference of an installed pack."""

    required_arguments = 1

    def markdown(self) -> str:
        try:
            pack = pr.get_pack(self.arguments[0])
        except pr.UnknownPackError as exc:
            raise self.error(str(exc)) from None
        return render_pack(pack)


class CliReference(MarkdownDirective):
    """``{cli-reference}``: every subcommand and option of ``pairing-rules``."""

    def markdown(self) -> str:
        from pairing_rules.cli._main import build_parser

        return render_cli(build_parser())


class RecordFields(MarkdownDirective):
    """``{record-fields} NAME``: the fields of the record model ``pairing_rules.NAME``."""

    required_arguments = 1

    def markdown(self) -> str:
        name = self.arguments[0]
        model = getattr(pr, name, None)
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise self.error(f"pairing_rules.{name} is not a record model")
        return render_fields(model)


class ErrorCodes(MarkdownDirective):
    """``{error-codes}``: every error code, what it concerns, its HTTP status and meaning."""

    def markdown(self) -> str:
        return render_error_codes()


class ResultSchema(MarkdownDirective):
    """``{result-schema} NAME``: the JSON Schema of a result, generated at build time."""

    required_arguments = 1

    def markdown(self) -> str:
        import json

        from pairing_rules._result_schema import schema_by_name

        name = self.arguments[0]
        make = schema_by_name(name)
        if make is None:
            raise self.error(f"no schema named {name}")
        text = json.dumps(make(), ensure_ascii=False, indent=2)
        return f"```json\n{text}\n```\n"


class ApiEndpoints(MarkdownDirective):
    """``{api-endpoints}``: the server's routes, from its OpenAPI document."""

    def markdown(self) -> str:
        from ._api import render_endpoints

        return render_endpoints()


def _dynamic(env: BuildEnvironment) -> set[str]:
    found: set[str] | None = getattr(env, _DYNAMIC, None)
    if found is None:
        found = set()
        setattr(env, _DYNAMIC, found)
    return found


def _write_pack_pages(app: Sphinx) -> None:
    errors = pr.plugin_errors()
    for err in errors:
        logger.warning("pack plugin %s skipped (%s): %s", err.plugin, err.stage, err.message)
    packs = pr.list_packs()
    written = write_pages(app.srcdir, packs)
    logger.info("pairing_docs: %d pack page(s), %d written", len(packs), len(written))
    texts = write_text_pages(app.srcdir, packs)
    logger.info("pairing_docs: %d text page(s), %d written", len(packs), len(texts))


def _always_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    return sorted(d for d in _dynamic(env) if d in env.found_docs and d not in removed)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _dynamic(env).discard(docname)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _dynamic(env).update(_dynamic(other) & docnames)


def _drop_class_docstring_of_data(
    app: Sphinx, what: str, name: str, obj: object, options: Any, lines: list[str]
) -> None:
    """Module-level data (``YesNo = Annotated[...]``, a string constant) has no docstring.

    autodoc then shows the docstring of its class (``typing``'s, ``str``'s); drop it,
    so that only what the page writes under the directive is shown.
    """
    if what == "data" and lines:
        inherited = inspect.cleandoc(type(obj).__doc__ or "")
        if inherited and "\n".join(lines).strip() == inherited.strip():
            lines.clear()


#: private modules a docstring may name, and the page that documents what they hold
PRIVATE_MODULE_PAGES: Final = {"pairing_rules._expr": "/expressions"}
#: parameters documented on a page of their own: (class, parameter) → page
PARAMETER_PAGES: Final = {("pairing_rules.Condition", "value"): "/expressions"}


def _link_private_modules(
    app: Sphinx, what: str, name: str, obj: object, options: Any, lines: list[str]
) -> None:
    """A docstring naming a private module (``:mod:`pairing_rules._expr```) links its page instead.

    The reference is for readers of the public API, who never import a private module;
    a parameter with a page of its own (``Condition.value``: the expression language)
    links to it.
    """
    for index, line in enumerate(lines):
        for module, page in PRIVATE_MODULE_PAGES.items():
            line = line.replace(f":mod:`{module}`", f":doc:`{page}`")
        lines[index] = line
    for (owner, parameter), page in PARAMETER_PAGES.items():
        if name != owner:
            continue
        start = next(
            (n for n, line in enumerate(lines) if line.startswith(f":param {parameter}:")), None
        )
        if start is None:
            continue
        end = start + 1
        while end < len(lines) and lines[end].startswith(" "):
            end += 1
        lines[end - 1] += f" See :doc:`{page}`."


def _expression_signature(
    app: Sphinx,
    what: str,
    name: str,
    obj: object,
    options: Any,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str | None, str | None] | None:
    """A field of type ``Expression`` shows as ``Expression``, not as its private validators."""
    if signature is None or ("_expr.Expr" not in signature and "Annotated[Expr" not in signature):
        return None
    out, n = [], 0
    while n < len(signature):
        at = signature.find("Annotated[", n)
        if at == -1:
            out.append(signature[n:])
            break
        head = signature[at + len("Annotated[") :]
        if not head.lstrip().lstrip("~").startswith(("pairing_rules._expr.Expr,", "Expr,")):
            out.append(signature[n : at + len("Annotated[")])
            n = at + len("Annotated[")
            continue
        depth, end = 0, at
        for end in range(at, len(signature)):
            depth += signature[end] == "["
            depth -= signature[end] == "]"
            if depth == 0 and signature[end] == "]":
                break
        prefix = signature[n:at].removesuffix("pairing_rules._expr.").removesuffix("~")
        out.append(prefix + "Expression")
        n = end + 1
    return "".join(out), return_annotation


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("pack-reference", PackReference)
    app.add_directive("cli-reference", CliReference)
    app.add_directive("record-fields", RecordFields)
    app.add_directive("pack-text", PackText)
    app.add_directive("error-codes", ErrorCodes)
    app.add_directive("result-schema", ResultSchema)
    app.add_directive("api-endpoints", ApiEndpoints)
    app.connect("builder-inited", _write_pack_pages)
    app.connect("autodoc-process-docstring", _drop_class_docstring_of_data)
    app.connect("autodoc-process-docstring", _link_private_modules)
    app.connect("autodoc-process-signature", _expression_signature)
    app.connect("env-get-outdated", _always_outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"version": pr.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
