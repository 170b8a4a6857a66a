"""Lint, stage 1: a pack file that does not load, as positioned problems in Chinese and English.

PyYAML's and pydantic's messages are English, name no line of the pack file,
and (for a rule on the whole pack) print the whole pack.  Here every such
error becomes a :class:`~pairing_rules._lint.LintIssue` at the key or value it
concerns, with a Chinese message, the English one, and the names the author
may have meant.  What pydantic reports only once the rest is valid (duplicate
ids, undeclared interpretations) is checked on the raw data too, so that every
problem is reported at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any, Final

import yaml
from pydantic import ValidationError

from ._i18n import Text
from ._lint import LintContext, LintIssue, choices_hint, did_you_mean
from ._lint_messages import (
    YAML_PROBLEMS,
)
from ._lint_validation import validation_issues
from ._models import Record
from ._provenance import Document
from ._yamlpos import Path, YamlDocument, walk

#: lists of the pack whose entries' ids must be unique
ID_LISTS: Final = (
    "provisions",
    "interpretations",
    "rubrics",
    "requirements",
    "group_requirements",
    "quotas",
    "milestones",
    "tables",
    "figures",
    "conflicts",
)
#: keys whose value names an interpretation
INTERPRETATION_KEYS: Final = frozenset(
    {
        "partial",
        "fraction",
        "floor",
        "late",
        "points_interpretation",
        "tolerance",
        "rounding_interpretation",
        "interpretation",
        "basis",
        "missing",
    }
)


@dataclass
class Loaded:
    """A pack file read as far as it goes: its problems, and the definition when it validated.

    :param record_types: the pack's own record types (``python.record_types``), imported.
    """

    issues: list[LintIssue] = field(default_factory=list)
    definition: Any = None
    yaml: YamlDocument | None = None
    document: Document | None = None
    record_types: dict[str, type[Record]] = field(default_factory=dict)


def load_definition(
    text: str,
    *,
    file: str,
    base: FilePath | None,
    record_types: Mapping[str, type[Record]] | None,
    document_text: str | None = None,
    skip_files: bool = False,
) -> Loaded:
    """Parse and validate a pack file; read its document and tables unless ``skip_files``."""
    from ._definition import PackDefinition

    out = Loaded()
    try:
        doc = YamlDocument(text)
    except yaml.YAMLError as exc:
        out.issues.append(_yaml_issue(exc, file))
        return out
    out.yaml = doc
    ctx = LintContext(definition=None, record_types=record_types or {}, yaml=doc, file=file)
    for path, name, where in doc.duplicates:
        ctx.add(
            "duplicate-key",
            (*path, name),
            Text(
                zh=f"键 {name} 在同一映射中写了两次，只有最后一个生效",
                en=f"the key {name} is written twice in one mapping; only the last one counts",
            ),
            at=where,
        )
    data = doc.data
    if not isinstance(data, dict):
        ctx.add(
            "invalid-value",
            (),
            Text(zh="规则包文件应是一个映射（键: 值）", en="a pack file is a mapping (key: value)"),
        )
        out.issues = ctx.issues
        return out
    raw_found = raw_checks(ctx, data)
    try:
        definition = PackDefinition.model_validate(data)
    except ValidationError as exc:
        validation_issues(ctx, exc, skip_root=raw_found)
        _bad_dates(ctx, doc)
        out.issues = ctx.issues
        return out
    _bad_dates(ctx, doc)
    if not skip_files and base is not None:
        out.record_types = _own_record_types(ctx, definition, base)
        definition = _load_files(ctx, definition, base)
        out.document = _read_document(ctx, definition, base, document_text)
    elif document_text is not None:
        out.document = _read_document(ctx, definition, FilePath("."), document_text)
    out.definition = definition
    out.issues = ctx.issues
    return out


def _bad_dates(ctx: LintContext, doc: YamlDocument) -> None:
    """Values written like dates that are none, where validation did not already say so."""
    taken = {(i.line, i.column) for i in ctx.issues}
    for path, value, where in doc.bad_dates:
        if (where.line, where.column) in taken:
            continue
        ctx.add(
            "invalid-value",
            path,
            Text(
                zh=f"{value} 写成了日期，但不是有效日期（如 2 月没有 30 日）",
                en=f"{value} is written as a date but is no valid date",
            ),
            at=where,
        )


def issues_from_error(text: str, error: BaseException, *, file: str) -> list[LintIssue]:
    """The problems of one load error (YAML or validation) in the file ``text``."""
    if isinstance(error, yaml.YAMLError):
        return [_yaml_issue(error, file)]
    try:
        doc = YamlDocument(text)
    except yaml.YAMLError as exc:
        return [_yaml_issue(exc, file)]
    ctx = LintContext(definition=None, record_types={}, yaml=doc, file=file)
    raw_found = raw_checks(ctx, doc.data) if isinstance(doc.data, dict) else False
    if isinstance(error, ValidationError):
        validation_issues(ctx, error, skip_root=raw_found)
    return ctx.issues


# ---------------------------------------------------------------------------------- YAML


def _yaml_issue(exc: yaml.YAMLError, file: str) -> LintIssue:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = str(getattr(exc, "problem", None) or exc).strip()
    zh = next((z for pattern, z in YAML_PROBLEMS if re.search(pattern, str(exc))), "语法错误")
    return LintIssue(
        code="yaml-syntax",
        message=Text(zh=f"YAML {zh}（{problem}）", en=f"YAML: {problem}"),
        file=file,
        line=mark.line + 1 if mark is not None else 0,
        column=mark.column + 1 if mark is not None else 0,
    )


# --------------------------------------------------------------------------- raw checks


def raw_checks(ctx: LintContext, data: dict[str, Any]) -> bool:
    """Duplicate ids and undeclared interpretations, on the data as written; whether any was found."""
    before = len(ctx.issues)
    for name in ID_LISTS:
        entries = data.get(name)
        if not isinstance(entries, list):
            continue
        seen: dict[str, int] = {}
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                continue
            ident = entry["id"]
            if ident in seen:
                ctx.add(
                    "duplicate-id",
                    (name, index, "id"),
                    Text(
                        zh=f"{name} 中的编号 {ident} 重复（第一次在第 {seen[ident] + 1} 项）",
                        en=f"the id {ident} is used twice in {name} (first at entry {seen[ident] + 1})",
                    ),
                )
            else:
                seen[ident] = index
    declared = {
        i["id"]
        for i in data.get("interpretations") or []
        if isinstance(i, dict) and isinstance(i.get("id"), str)
    }
    for path, name in interpretation_names(data):
        if name in declared:
            continue
        ctx.add(
            "unknown-interpretation",
            path,
            Text(
                zh=f"解释口径 {name} 没有在 interpretations 中声明",
                en=f"the interpretation {name} is not declared under interpretations",
            ),
            hint=choices_hint(name, declared),
            key=path[-2] in ("when", "cap_at_declared", "include_absent")
            if len(path) >= 2
            else False,
        )
    return len(ctx.issues) > before


#: the parts of a pack file whose keys are rule keys (not values such as a provision's)
RULE_PARTS: Final = frozenset(
    {"rubrics", "requirements", "group_requirements", "quotas", "conflicts", "hook_interpretations"}
)


def in_rules(path: Path) -> bool:
    """Whether ``path`` is inside a rule (not inside a value, a table row or a quoted figure)."""
    if not path or path[0] not in RULE_PARTS:
        return False
    return "rows" not in path and not (path[0] == "conflicts" and "value" in path)


def interpretation_names(data: Any) -> list[tuple[Path, str]]:
    """Every interpretation a pack file names, with the path of the name."""
    out: list[tuple[Path, str]] = []
    for path, value in walk(data):
        if not path or not isinstance(path[-1], str) or not in_rules(path):
            continue
        key = path[-1]
        if key in ("when", "cap_at_declared", "include_absent") and isinstance(value, dict):
            out.extend(((*path, str(k)), str(k)) for k in value)
        elif key in INTERPRETATION_KEYS and isinstance(value, str):
            if key == "floor" and len(path) < 3:
                continue
            out.append((path, value))
        elif path[0] == "hook_interpretations" and isinstance(value, list) and len(path) <= 2:
            # a list read by both hooks, or a hook's list (``hook_interpretations: {check: [...]}``)
            out.extend(((*path, n), str(v)) for n, v in enumerate(value) if isinstance(v, str))
    return out


# --------------------------------------------------------------------------- validation


def _load_files(ctx: LintContext, definition: Any, base: FilePath) -> Any:
    """The definition with its tables' rows files read (a problem for each that cannot be)."""
    quotas = list(definition.quotas)
    tables = list(definition.tables)
    for name, entries in (("quotas", quotas), ("tables", tables)):
        for index, entry in enumerate(entries):
            if entry.rows_file is None:
                continue
            try:
                entries[index] = entry.load_rows(base)
            except (OSError, ValueError, KeyError) as exc:
                ctx.add(
                    "rows-file",
                    (name, index, "rows_file"),
                    Text(
                        zh=f"无法读取表格文件 {entry.rows_file}：{_first_line(exc)}",
                        en=f"cannot read the rows file {entry.rows_file}: {_first_line(exc)}",
                    ),
                )
    return definition.model_copy(update={"quotas": quotas, "tables": tables})


def _own_record_types(ctx: LintContext, definition: Any, base: FilePath) -> dict[str, type[Record]]:
    """The record types ``python:`` names, imported from the pack's module beside the file."""
    from ._pack import PackError, import_pack_module

    spec = definition.python
    if spec is None or not spec.record_types:
        return {}
    try:
        module = import_pack_module(spec.module, base)
    except PackError as exc:
        ctx.add(
            "record-types",
            ("python", "module"),
            Text(
                zh=f"无法导入规则包模块 {spec.module}，只按核心记录类型检查：{_first_line(exc)}",
                en=f"the pack module {spec.module} cannot be imported; checking against the core record types only: {_first_line(exc)}",
            ),
            severity="warning",
        )
        return {}
    out: dict[str, type[Record]] = {}
    for collection, name in spec.record_types.items():
        model = getattr(module, name, None)
        if isinstance(model, type) and issubclass(model, Record):
            out[collection] = model
            continue
        ctx.add(
            "record-types",
            ("python", "record_types", collection),
            Text(
                zh=f"规则包模块 {spec.module} 中的 {name} 不是记录类型（Record 的子类）",
                en=f"{name} of the pack module {spec.module} is not a record type (a Record subclass)",
            ),
            hint=did_you_mean(name, [n for n in dir(module) if not n.startswith("_")]),
        )
    return out


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _read_document(
    ctx: LintContext, definition: Any, base: FilePath, text: str | None
) -> Document | None:
    if text is None:
        target = base / definition.document.text
        try:
            text = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            ctx.add(
                "document-missing",
                ("document", "text") if ctx.written(("document", "text")) else ("document",),
                Text(
                    zh=f"无法读取文件全文 {target}：{_first_line(exc)}",
                    en=f"cannot read the document's text {target}: {_first_line(exc)}",
                ),
            )
            return None
    try:
        return _document(definition, text)
    except ValidationError as exc:
        taken = {(i.line, i.column) for i in ctx.issues}
        for err in exc.errors(include_url=False, include_input=False):
            key = str(err["loc"][0]) if err["loc"] else ""
            path: Path = ("document", key) if ctx.written(("document", key)) else ("document",)
            where = ctx.position(path)
            if (where.line, where.column) in taken:
                continue  # said already (a date that is no date)
            ctx.add(
                "invalid-value",
                path,
                Text(
                    zh=f"文件信息 {key} 无效：{err['msg']}",
                    en=f"invalid document metadata {key}: {err['msg']}",
                ),
            )
        return None


def _document(definition: Any, text: str) -> Document:
    spec = definition.document
    return Document(
        title=spec.title,
        issuer=spec.issuer,
        doc_number=spec.doc_number,
        published=spec.published,
        year=spec.year,
        effective_from=spec.effective_from,
        effective_until=spec.effective_until,
        notes=spec.notes,
        text=text,
    )
