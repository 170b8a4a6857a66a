"""The JSON contract of a record type, written from its pydantic model.

One row per field: the JSON key, its Chinese and English label (the ones
templates, reports and error messages show), the JSON type with its allowed
values or bounds, and whether the field is required.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ._md import BR, NONE, code, esc, table


def _describe(schema: dict[str, Any], defs: dict[str, Any]) -> tuple[str, bool]:
    """A JSON-schema property for a person, and whether ``null`` is allowed."""
    if "$ref" in schema:
        target = defs[schema["$ref"].rsplit("/", 1)[-1]]
        if "enum" in target:
            return "、".join(esc(v) for v in target["enum"]), False
        return code(target.get("title", "object")), False
    if "anyOf" in schema:
        options = [o for o in schema["anyOf"] if o.get("type") != "null"]
        nullable = len(options) < len(schema["anyOf"])
        shown = [_describe(o, defs)[0] for o in options]
        if len(shown) == 2 and {o.get("type") for o in options} == {"number", "string"}:
            shown = [_bounds("数 / *number*", options[0])]  # a decimal: number or numeric text
        return " 或 / *or* ".join(shown), nullable
    kind = schema.get("type")
    if kind == "array":
        item, _ = _describe(schema.get("items", {}), defs)
        return f"[{item}, …]", False
    if kind == "integer":
        return _bounds("整数 / *integer*", schema), False
    if kind == "number":
        return _bounds("数 / *number*", schema), False
    if kind == "boolean":
        return "是/否 / *yes/no*", False
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return "日期 / *date* `YYYY-MM-DD`", False
        return "文本 / *text*", False
    return code(kind or "any"), False


def _bounds(name: str, schema: dict[str, Any]) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is None and high is None:
        return name
    return f"{name} {_number(low)}–{_number(high)}"


def _number(value: float | int | None) -> str:
    if value is None:
        return "…"
    return esc(int(value) if float(value).is_integer() else value)


def render_fields(model: type[BaseModel]) -> str:
    """A table of every field of ``model`` in the JSON contract."""
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    required = set(schema.get("required", []))
    rows = []
    for name, prop in schema.get("properties", {}).items():
        described, nullable = _describe(prop, defs)
        if nullable:
            described += f"{BR}可为空 / *may be null*"
        rows.append(
            [
                code(name),
                esc(prop.get("zh", NONE)),
                f"*{esc(prop.get('en', NONE))}*",
                described,
                "✓" if name in required else "",
            ]
        )
    return table(
        [
            "JSON 字段 / *key*",
            "中文名称",
            "*English label*",
            "类型 / *type*",
            "必填 / *required*",
        ],
        rows,
    )
