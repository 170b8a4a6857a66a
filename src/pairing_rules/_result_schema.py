"""JSON Schemas (draft 2020-12) of what pairing-rules writes, and of each pack's input.

A result's schema is its public model's ``model_json_schema(mode="serialization")``,
finished for publication: every key a dump writes is required (a dump always writes
every key), and the bounds a field declares are JSON Schema's ``minimum`` and
``maximum``.  The schema of a pack's input describes the input object
(``{"communities": [...]}``) in its canonical form, as ``model_dump(mode="json")``
writes a record, with two spellings of the lists county files hold: a term of the
vocabulary (a community type, a scope …) in any accepted spelling (``融合性``), and
a list as one text separated by 、 , ; or /.  The readers accept more (是/否 for a
yes/no field, ``95%``, full-width digits …): see the documentation of the fields.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from pydantic import BaseModel, TypeAdapter

from ._contract import CONTRACT_VERSION

if TYPE_CHECKING:
    from ._pack import Pack

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"


def _models() -> dict[str, tuple[Any, str]]:
    """The result types by name: the model (or type) and its title."""
    from ._diff import DiffReport
    from ._engine import AuditReport, CheckReport, QuotaReport
    from ._errors import ErrorResponse
    from ._pack_info import PackDetail, PackList, PackSummary
    from ._scoring import ScoreReport
    from ._series import SeriesCheckReport, SeriesScoreReport

    return {
        "score": (ScoreReport, "pairing-rules score result"),
        "check": (CheckReport, "pairing-rules check result"),
        "audit": (AuditReport, "pairing-rules audit result"),
        "quota": (QuotaReport, "pairing-rules quota result"),
        "diff": (DiffReport, "pairing-rules diff result"),
        "packs": (list[PackSummary], "pairing-rules packs result"),
        "pack-list": (PackList, "the installed packs (GET /api/v1/packs)"),
        "show": (PackDetail, "pairing-rules show result (GET /api/v1/packs/{id})"),
        "error": (ErrorResponse, "an error answer of the server (its error: ErrorDetail)"),
        "series-score": (SeriesScoreReport, "pairing-rules score --series result"),
        "series-check": (SeriesCheckReport, "pairing-rules check --series result"),
    }


#: the names of the result schemas (``pairing-rules schema NAME``)
RESULT_NAMES: Final = (
    "score",
    "check",
    "audit",
    "quota",
    "diff",
    "packs",
    "pack-list",
    "show",
    "error",
    "series-score",
    "series-check",
)


def finish(node: Any) -> None:
    """Every property required; ``ge``/``le`` as ``minimum``/``maximum`` (in place)."""
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict) and node.get("type") == "object":
            node["required"] = list(props)
        if "type" in node or "anyOf" not in node:
            for old, new in (("ge", "minimum"), ("le", "maximum")):
                if isinstance(node.get(old), int | float) and new not in node:
                    node[new] = node.pop(old)
        for value in node.values():
            finish(value)
    elif isinstance(node, list):
        for value in node:
            finish(value)


def model_schema(model: Any, *, mode: str = "serialization") -> dict[str, Any]:
    """The JSON Schema of a model (or a type such as ``list[Model]``), finished."""
    if isinstance(model, type) and issubclass(model, BaseModel):
        schema = model.model_json_schema(mode=mode)  # type: ignore[arg-type]
    else:
        schema = TypeAdapter(model).json_schema(mode=mode)  # type: ignore[arg-type]
    schema = copy.deepcopy(schema)
    if mode == "serialization":
        finish(schema)
    return schema


def result_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of the result ``name`` (``score``, ``check`` …), as published."""
    model, title = _models()[name]
    schema = model_schema(model)
    schema.pop("title", None)
    return {
        "$schema": DIALECT,
        "title": title,
        "description": f"JSON contract {CONTRACT_VERSION}. " + schema.pop("description", ""),
        **schema,
    }


def input_schema(pack: Pack) -> dict[str, Any]:
    """The JSON Schema of ``pack``'s input object: one array of records per collection."""
    defs: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    for name in pack.collections():
        model = pack.record_types[name]
        schema = copy.deepcopy(model.model_json_schema(mode="validation"))
        defs.update(schema.pop("$defs", {}))
        finish_bounds(schema)
        _lists_as_text(schema)
        defs[model.__name__] = schema
        properties[name] = {
            "type": "array",
            "items": {"$ref": f"#/$defs/{model.__name__}"},
            "description": f"{model.NOUN.zh} / {model.NOUN.en}",
        }
    finish_bounds(defs)
    _vocabulary(defs)
    return {
        "$schema": DIALECT,
        "title": f"input of pack {pack.ref}",
        "description": "The input object of score and check: one array of records per "
        "collection. Keys starting with _ and the keys meta, sample, description and note "
        "are ignored.",
        "type": "object",
        "properties": properties,
        "patternProperties": {"^_": {}, "^(meta|sample|description|note)$": {}},
        "additionalProperties": False,
        "$defs": defs,
    }


def finish_bounds(node: Any) -> None:
    """``ge``/``le`` as ``minimum``/``maximum`` (in place)."""
    if isinstance(node, dict):
        for old, new in (("ge", "minimum"), ("le", "maximum")):
            if isinstance(node.get(old), int | float) and new not in node and "type" in node:
                node[new] = node.pop(old)
        for value in node.values():
            finish_bounds(value)
    elif isinstance(node, list):
        for value in node:
            finish_bounds(value)


def _lists_as_text(schema: dict[str, Any]) -> None:
    """A record's list fields also take one text, separated by 、 , ; or / (as a cell holds it)."""
    for prop in schema.get("properties", {}).values():
        options = prop.get("anyOf", [prop])
        for n, option in enumerate(options):
            if option.get("type") == "array":
                text = {"type": "string", "description": "separated by 、 , ; or /"}
                if options is prop.get("anyOf"):
                    options.insert(n + 1, text)
                else:
                    kept = {
                        k: v
                        for k, v in prop.items()
                        if k in ("description", "title", "default", "zh", "en")
                    }
                    array = {k: v for k, v in prop.items() if k not in kept}
                    prop.clear()
                    prop.update(kept, anyOf=[array, text])
                break


def _vocabulary(defs: dict[str, Any]) -> None:
    """A vocabulary term in every spelling it is accepted in (``融合性`` for 融合型)."""
    from . import _enums

    for name, schema in defs.items():
        enum = getattr(_enums, name, None)
        if isinstance(enum, type) and issubclass(enum, _enums.VocabularyEnum):
            schema["enum"] = list(dict.fromkeys(enum.accepted()))


def schema_by_name(name: str) -> Callable[[], dict[str, Any]] | None:
    """The maker of the schema ``name``: a result's, or ``input:ID`` (an installed pack's input)."""
    if name in RESULT_NAMES:
        return lambda: result_schema(name)
    if name.startswith("input:"):
        from ._registry import get_pack

        pack_id = name.removeprefix("input:")
        return lambda: input_schema(get_pack(pack_id))
    return None
