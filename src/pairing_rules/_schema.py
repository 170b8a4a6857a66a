"""JSON Schemas (draft 2020-12) of what pairing-rules reads, for editors and other tools.

``pairing-rules schema pack`` prints the schema of ``pack.yaml``.  With the
modeline ``# yaml-language-server: $schema=pack.schema.json`` at the top of a
pack file, an editor with the YAML language server (VS Code's YAML extension,
Neovim, JetBrains IDEs …) completes keys, shows their documentation and marks
unknown keys and wrong types as one types.

The schema is generated from :class:`~pairing_rules.PackDefinition`, with what
a generated schema cannot know written in: a label may be a plain string
(taken as Chinese and English); an expression is a field, a number, or one
operator with its arguments; a number may be written as a string of digits,
not as any text; and a rubric item is checked against the schema of its
``kind`` (``if``/``then``), so that an editor marks the wrong key itself rather
than the whole item.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, Final

from ._expr import OPERATORS

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

_TEXT: Final[dict[str, Any]] = {
    "title": "Text",
    "description": "A text in Chinese and English: `{zh: …, en: …}`; a plain string, or `{zh: …}` "
    "alone, is taken as both.",
    "anyOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
            "required": ["zh"],
            "additionalProperties": False,
        },
    ],
}

_EXPRESSION: Final[dict[str, Any]] = {
    "title": "Expression",
    "description": "A field name (`sync_lessons`), a number, or one operator with its "
    "arguments: `{sum: [a, b]}`, `{div: [a, b]}`, `{min: [...]}`, `{floordiv: [a, 3]}`, "
    "`{count: members}` (see the expression language page).",
    "anyOf": [
        {"type": "string", "pattern": r"^\s*([a-z_][a-z0-9_]*|-?\d+(\.\d+)?)\s*$"},
        {"type": "number"},
        {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 1,
            "propertyNames": {"enum": list(OPERATORS)},
            "properties": {"count": {"type": "string", "pattern": r"^[a-z_][a-z0-9_]*$"}},
            "additionalProperties": {
                "type": "array",
                "minItems": 1,
                "items": {"$ref": "#/$defs/Expression"},
            },
        },
    ],
}

#: where a pack file holds an expression: (definition, property)
_EXPRESSION_AT: Final = (
    ("Condition", "value"),
    ("AdjustmentItem", "value"),
    ("RatioItem", "numerator"),
    ("RatioItem", "denominator"),
    ("QuotaFormula", "expr"),
)


_DECIMAL_TEXT: Final = r"^\s*-?\d+(\.\d+)?\s*$"


def _numbers_as_digits(node: Any) -> None:
    """A number that may be written as a string (a decimal) is a string of digits, not any text."""
    if isinstance(node, dict):
        options = node.get("anyOf")
        if isinstance(options, list) and any(o.get("type") == "number" for o in options):
            for option in options:
                if option == {"type": "string"}:
                    option["pattern"] = _DECIMAL_TEXT
        for value in node.values():
            _numbers_as_digits(value)
    elif isinstance(node, list):
        for value in node:
            _numbers_as_digits(value)


def _by_kind(node: Any) -> Any:
    """A discriminated ``oneOf`` as ``if kind is X then X``: errors land on the key, not the item."""
    if isinstance(node, list):
        return [_by_kind(v) for v in node]
    if not isinstance(node, dict):
        return node
    node = {k: _by_kind(v) for k, v in node.items()}
    discriminator = node.get("discriminator")
    if not (isinstance(discriminator, dict) and "oneOf" in node):
        return node
    key = discriminator["propertyName"]
    mapping: dict[str, str] = discriminator["mapping"]
    out = {k: v for k, v in node.items() if k not in ("discriminator", "oneOf")}
    out.update(
        {
            "type": "object",
            "required": [key],
            "properties": {key: {"enum": list(mapping)}},
            "allOf": [
                {
                    "if": {"properties": {key: {"const": tag}}, "required": [key]},
                    "then": {"$ref": ref},
                }
                for tag, ref in mapping.items()
            ],
        }
    )
    return out


def pack_schema() -> dict[str, Any]:
    """The JSON Schema of ``pack.yaml``."""
    from ._definition import PackDefinition

    schema = _by_kind(copy.deepcopy(PackDefinition.model_json_schema(mode="validation")))
    _numbers_as_digits(schema)
    defs: dict[str, Any] = schema.setdefault("$defs", {})
    defs["Text"] = copy.deepcopy(_TEXT)
    defs["Expression"] = copy.deepcopy(_EXPRESSION)
    for name, prop in _EXPRESSION_AT:
        target = defs[name]["properties"][prop]
        optional = any(part.get("type") == "null" for part in target.get("anyOf", []))
        kept = {k: v for k, v in target.items() if k in ("title", "description", "default")}
        ref = {"$ref": "#/$defs/Expression"}
        defs[name]["properties"][prop] = {
            **kept,
            **({"anyOf": [ref, {"type": "null"}]} if optional else ref),
        }
    return {
        "$schema": DIALECT,
        "title": "pairing-rules pack file (pack.yaml)",
        **{k: v for k, v in schema.items() if k != "title"},
    }


#: the schemas ``pairing-rules schema NAME`` prints, by name
SCHEMAS: Final[dict[str, Callable[[], dict[str, Any]]]] = {"pack": pack_schema}
