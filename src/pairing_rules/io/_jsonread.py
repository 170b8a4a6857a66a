"""JSON input, parsed strictly: a key given twice is an error where it occurs (never the
last one silently winning), and nesting is bounded."""

from __future__ import annotations

import json
from typing import Any, Final

from pydantic import BaseModel

from .._dataset import FieldError
from .._i18n import Text
from .._location import Location
from .._models import field_phrase
from ._errors import InputError

_BOM: Final = "\ufeff"
#: how deep a record's values may nest (a record, its agreement, a list of schools …)
RECORD_DEPTH: Final = 8


class Duplicated(dict[str, Any]):
    """A JSON object in which some keys were given more than once (the first value kept)."""

    duplicates: list[str]


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) == len(pairs):
        return out
    _seen_duplicates[0] = True
    seen: dict[str, Any] = {}
    twice: list[str] = []
    for key, value in pairs:
        if key in seen:
            if key not in twice:
                twice.append(key)
        else:
            seen[key] = value
    marked = Duplicated(seen)
    marked.duplicates = twice
    return marked


_seen_duplicates = [False]


def parse_json(data: bytes, where: Location) -> tuple[Any, bool]:
    """Parse JSON bytes (UTF-8, a BOM allowed), with clear errors for bad JSON and for
    nesting too deep to parse.

    :returns: the value, and whether any object in it gives a key twice.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            Text(
                zh=f"JSON 文件不是 UTF-8 编码（第 {exc.start} 字节）",
                en=f"the JSON file is not UTF-8 (byte {exc.start})",
            ),
            where,
            code="not_json",
        ) from None
    text = text.lstrip(_BOM)
    if not text.strip():
        raise InputError(
            Text(zh="文件为空，没有任何数据", en="the file is empty: there is no data"),
            where,
            code="no_records",
        )
    _seen_duplicates[0] = False
    try:
        value = json.loads(text, object_pairs_hook=_pairs)
        return value, _seen_duplicates[0]
    except json.JSONDecodeError as exc:
        raise InputError(
            Text(
                zh=f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}",
                en=f"not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}",
            ),
            where,
            code="not_json",
        ) from None
    except RecursionError:
        raise InputError(
            Text(
                zh='JSON 嵌套层数过深，无法读取（输入应为 {"communities": [ {…}, … ]} 这样的浅层结构）',
                en='the JSON nests too deeply to be read (the input is a shallow {"communities": [{…}, …]})',
            ),
            where,
            code="not_json",
        ) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise InputError(
            Text(zh=f"不是有效的 JSON：{exc}", en=f"not valid JSON: {exc}"), where
        ) from None


def top_level_duplicates(raw: Any, where: Location) -> None:
    """A collection key given twice at the top level is an error for the whole file."""
    if isinstance(raw, Duplicated):
        keys = "、".join(repr(k) for k in raw.duplicates)
        raise InputError(
            Text(
                zh=f"JSON 顶层的键 {keys} 出现了不止一次；请合并为一个",
                en=f"the top-level key {', '.join(repr(k) for k in raw.duplicates)} occurs more than once; merge them",
            ),
            where,
            code="not_json",
        )


def record_problems(item: Any, model: type[BaseModel] | None = None) -> list[FieldError]:
    """Keys given twice anywhere in a record, and values nested too deeply.

    :param model: the record type, whose labels name the fields in Chinese.
    """
    out: list[FieldError] = []
    stack: list[tuple[Any, str, int]] = [(item, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > RECORD_DEPTH:
            top = path.split(".", 1)[0].split("[", 1)[0] or None
            out.append(
                FieldError(
                    code="too_deep",
                    field=top,
                    message=Text(
                        zh=f"{field_phrase(model, top)}嵌套超过 {RECORD_DEPTH} 层",
                        en=f"{path or 'the record'} nests more than {RECORD_DEPTH} levels deep",
                    ),
                )
            )
            continue
        if isinstance(value, Duplicated):
            for key in value.duplicates:
                name = f"{path}.{key}" if path else key
                out.append(
                    FieldError(
                        code="duplicate_key",
                        field=name,
                        message=Text(
                            zh=f"{field_phrase(model, _dotted(name))}出现了不止一次（JSON 中的重复键）",
                            en=f"field {name} occurs more than once (a duplicate key in the JSON)",
                        ),
                    )
                )
        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(inner, dict | list):
                    stack.append((inner, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(value, list):
            for n, inner in enumerate(value):
                if isinstance(inner, dict | list):
                    stack.append((inner, f"{path}[{n}]", depth + 1))
    return out


def _dotted(path: str) -> str:
    """``members[0].name`` as a field path: ``members.0.name``."""
    return path.replace("[", ".").replace("]", "")
