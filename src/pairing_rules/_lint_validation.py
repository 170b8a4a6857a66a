"""Lint, stage 1: pydantic's validation errors of a pack file, as positioned problems.

Each error pydantic reports becomes a :class:`~pairing_rules._lint.LintIssue` at
the key or value of the pack file it concerns (found through the models' fields
and the file's own data), with a Chinese message, the English one, and the
names the author may have meant (:mod:`pairing_rules._lint_load` loads the file
and calls :func:`validation_issues`).
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from pydantic import BaseModel, ValidationError

from ._i18n import Text
from ._lint import LintContext, choices_hint, did_you_mean
from ._lint_messages import (
    RULE_MESSAGES,
    TYPE_MESSAGES,
    shown,
    spaced,
    version_message,
)
from ._yamlpos import Path

#: the forms a pack file's values must take, in words (the pattern itself when it is not here)
PATTERN_WORDS: Final[dict[str, tuple[str, str]]] = {
    r"^[a-z][a-z0-9_.]*$": (
        "应以小写英文字母开头，只用小写字母、数字、下划线和点（如 county.lessons）",
        "a lowercase letter first, then lowercase letters, digits, _ and . (as in county.lessons)",
    ),
    r"^[a-z][a-z0-9_]*$": (
        "应以小写英文字母开头，只用小写字母、数字和下划线（如 online_teaching）",
        "a lowercase letter first, then lowercase letters, digits and _ (as in online_teaching)",
    ),
    r"^[a-z][a-z_]*$": (
        "应以小写英文字母开头，只用小写字母和下划线（如 target）",
        "a lowercase letter first, then lowercase letters and _ (as in target)",
    ),
    r"^[a-z][a-z0-9_]{1,39}$": (
        "应以小写英文字母开头，只用小写字母、数字和下划线，共 2 至 40 个字符（如 cangnan2023）",
        "2 to 40 lowercase letters, digits and _, a letter first (as in cangnan2023)",
    ),
    r"^\d{4}-\d{2}$": ("应为“年-月”，如 2023-09", "a year and month, as in 2023-09"),
}


def validation_issues(ctx: LintContext, exc: ValidationError, *, skip_root: bool) -> None:
    """One problem per pydantic error, at its key or value."""
    data = ctx.yaml.data if ctx.yaml is not None else None
    for err in exc.errors(include_url=False, include_input=False):
        loc: Path = tuple(err["loc"])
        kind = err["type"]
        message = str(err.get("msg", ""))
        ctx_info: dict[str, Any] = dict(err.get("ctx") or {})
        path = _data_path(data, loc, key=kind in ("missing", "extra_forbidden"))
        if kind == "extra_forbidden":
            name = str(loc[-1])
            fields = _fields_at(loc[:-1])
            ctx.add(
                "unknown-key",
                path,
                Text(zh=f"未知字段 {name}", en=f"unknown key {name}"),
                hint=choices_hint(name, fields) if fields else None,
                key=True,
            )
        elif kind == "missing":
            name = str(loc[-1])
            ctx.add(
                "missing-key",
                path[:-1] if path and path[-1] == loc[-1] else path,
                Text(zh=f"缺少必填字段 {name}", en=f"the required key {name} is missing"),
            )
        elif kind == "union_tag_invalid":
            tag = str(ctx_info.get("tag", ""))
            expected = re.findall(r"'([^']*)'", str(ctx_info.get("expected_tags", "")))
            ctx.add(
                "invalid-value",
                (*path, "kind"),
                Text(
                    zh=f"未知的类别 kind: {tag}；可选：{'、'.join(expected)}",
                    en=f"unknown kind {tag}; one of: {', '.join(expected)}",
                ),
                hint=did_you_mean(tag, expected),
            )
        elif kind == "literal_error":
            expected = re.findall(r"'([^']*)'", str(ctx_info.get("expected", "")))
            value = _shown_value(ctx, data, path)
            ctx.add(
                "invalid-value",
                path,
                Text(
                    zh=f"取值 {value.zh} 无效；可选：{'、'.join(expected)}",
                    en=f"{value.en} is not allowed; one of: {', '.join(expected)}",
                ),
                hint=did_you_mean(str(_value_at(data, path)), expected),
            )
        elif kind in ("value_error", "assertion_error"):
            text = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
            if not loc and skip_root:
                continue
            _rule_issue(ctx, path, text, data)
        else:
            _value_issue(ctx, path, kind, message, ctx_info, data)


def _rule_issue(ctx: LintContext, path: Path, text: str, data: Any = None) -> None:
    for pattern, zh, key in RULE_MESSAGES:
        match = re.search(pattern, text)
        if match is None:
            continue
        hint = None
        if pattern.startswith("unknown operator"):
            from ._expr import OPERATORS

            hint = did_you_mean(match.group(1), OPERATORS)
        target = (*path, key) if key and ctx.written((*path, key)) else path
        if "caps at unknown grade" in pattern:
            target, hint = _veto_cap(ctx, path, data, match.group(2), match.group(3))
        ctx.add(
            "invalid-rule"
            if not pattern.startswith(
                ("unknown operator", r"(\w+) takes", "count", "not a", "a yes", "an empty")
            )
            else "expression",
            target,
            Text(zh=zh.format(*match.groups()), en=text),
            hint=hint,
        )
        return
    ctx.add("invalid-rule", path, Text(zh=f"规则无效：{text}", en=text))


def _veto_cap(
    ctx: LintContext, rubric: Path, data: Any, veto: str, cap: str
) -> tuple[Path, Text | None]:
    """The ``cap`` of the veto ``veto`` of the rubric at ``rubric``, and the grade meant."""
    current = data
    for step in rubric:
        current = current[step] if _has(current, step) else None
    if not isinstance(current, dict):
        return rubric, None
    grades = current.get("grades")
    grades = grades.get("grades") if isinstance(grades, dict) else None
    ids = [str(g["id"]) for g in grades or [] if isinstance(g, dict) and "id" in g]
    hint = choices_hint(cap, ids) if ids else None
    vetoes = current.get("vetoes")
    for n, entry in enumerate(vetoes if isinstance(vetoes, list) else []):
        if isinstance(entry, dict) and str(entry.get("id")) == veto:
            where: Path = (*rubric, "vetoes", n, "cap")
            return (where if ctx.written(where) else rubric), hint
    return rubric, hint


def _value_issue(
    ctx: LintContext,
    path: Path,
    kind: str,
    message: str,
    info: Mapping[str, Any],
    data: Any,
) -> None:
    value = _shown_value(ctx, data, path)
    raw = _value_at(data, path)
    if path == ("version",) and kind in ("string_type", "string_pattern_mismatch"):
        ctx.add("invalid-value", path, version_message(raw, value))
        return
    zh_en = TYPE_MESSAGES.get(kind)
    if kind == "string_type" and isinstance(raw, int | float | Decimal):
        # YAML reads an unquoted 2023 as a number and yes as true: say so, and how to write text
        what = ("是/否值", "a yes/no value") if isinstance(raw, bool) else ("数字", "a number")
        zh = f'应为文字；不加引号的 {value.zh} 被读作{what[0]}，写成文字请加引号，如 "{value.zh}"'
        en = f'should be text; {value.en} unquoted is {what[1]}: quote it, as in "{value.en}"'
        ctx.add("invalid-value", path, Text(zh=zh, en=en))
        return
    if zh_en is not None:
        zh, en = zh_en
    elif kind == "string_pattern_mismatch":
        pattern = str(info.get("pattern", ""))
        zh_form, en_form = PATTERN_WORDS.get(
            pattern, (f"应匹配 {pattern}", f"should match {pattern}")
        )
        zh, en = f"格式不符：{zh_form}", f"does not match its form: {en_form}"
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(iter(info.values()), "")
        zh = {
            "greater_than_equal": f"应不小于 {bound}",
            "greater_than": f"应大于 {bound}",
            "less_than_equal": f"应不大于 {bound}",
            "less_than": f"应小于 {bound}",
        }[kind]
        en = message.lower()
    elif kind == "enum":
        expected = str(info.get("expected", ""))
        zh, en = f"应为以下之一：{expected}", f"should be one of {expected}"
    else:
        zh, en = f"取值无效（{message}）", message
    if raw is None and _has_path(data, path):
        ctx.add("invalid-value", path, Text(zh=f"{zh}，但没有填写", en=f"{en}, but is empty"))
        return
    ctx.add(
        "invalid-value",
        path,
        Text(zh=f"{zh}，实为{spaced(value.zh)}", en=f"{en}, got {value.en}"),
    )


#: no value at a path (``None`` is a value: a key written with nothing after it)
_ABSENT: Final = object()


def _lookup(data: Any, path: Path) -> Any:
    """The value at ``path``, or :data:`_ABSENT` where the data has none."""
    current = data
    for step in path:
        if not _has(current, step):
            return _ABSENT
        current = current[step]
    return current


def _has_path(data: Any, path: Path) -> bool:
    """Whether the data has a value (``None`` included) at ``path``."""
    return _lookup(data, path) is not _ABSENT


def _value_at(data: Any, path: Path) -> Any:
    """The value at ``path``, or ``None`` where the data has none."""
    found = _lookup(data, path)
    return None if found is _ABSENT else found


def _shown_value(ctx: LintContext, data: Any, path: Path) -> Text:
    """The value at ``path`` for a message, as the file writes it: short, never the whole pack."""
    current = data
    for step in path:
        if not _has(current, step):
            return Text(zh="（无）", en="(none)")
        current = current[step]
    return shown(current, ctx.yaml.scalar(path) if ctx.yaml is not None else None)


def _has(data: Any, step: str | int) -> bool:
    if isinstance(data, dict):
        return step in data
    return isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data)


def _data_path(data: Any, loc: Path, *, key: bool = False) -> Path:
    """A pydantic ``loc`` as a path of the data: union tags (``threshold``, ``Text``) dropped.

    With ``key``, the last step is a key the data lacks (a missing or an unknown one) and is kept.
    """
    out: list[str | int] = []
    current = data
    for step in loc:
        if _has(current, step):
            current = current[step]
            out.append(step)
        elif key and isinstance(current, dict) and isinstance(step, str) and step == loc[-1]:
            out.append(step)  # a missing or unknown key: the last step, not in the data
    return tuple(out)


def _fields_at(loc: Path) -> list[str]:
    """The keys the model at ``loc`` (a pydantic loc) accepts."""
    from ._definition import PackDefinition

    candidates: list[Any] = [PackDefinition]
    for step in loc:
        models = [m for t in candidates for m in _unwrap(t)]
        following: list[Any] = []
        for model in models:
            if isinstance(model, type) and issubclass(model, BaseModel):
                info = model.model_fields.get(str(step))
                if info is not None:
                    following.append(info.annotation)
                elif _tag_of(model) == step:
                    following.append(model)
            elif isinstance(step, int) and typing.get_origin(model) is list:
                following.extend(typing.get_args(model)[:1])
            elif isinstance(step, str) and typing.get_origin(model) is dict:
                following.extend(typing.get_args(model)[1:2])
        if not following:
            return []
        candidates = following
    out: list[str] = []
    for t in candidates:
        for model in _unwrap(t):
            if isinstance(model, type) and issubclass(model, BaseModel):
                out.extend(model.model_fields)
    return sorted(set(out))


def _tag_of(model: type[BaseModel]) -> str | None:
    info = model.model_fields.get("kind")
    if info is None or typing.get_origin(info.annotation) is not typing.Literal:
        return None
    args = typing.get_args(info.annotation)
    return str(args[0]) if len(args) == 1 else None


def _unwrap(t: Any) -> list[Any]:
    """The types a (possibly optional, annotated or union) annotation stands for."""
    origin = typing.get_origin(t)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(t)[0])
    if origin in (typing.Union, types.UnionType):
        return [u for a in typing.get_args(t) for u in _unwrap(a)]
    if t is type(None):
        return []
    return [t]


# ------------------------------------------------------------------------------- files
