"""What a pack is, as JSON: the ``packs`` list and the ``show`` detail (and the server's).

:class:`PackSummary` is one pack of ``pairing-rules packs --format json``;
:class:`PackDetail` is ``pairing-rules show --format json`` and the server's
``GET /api/v1/packs/{id}``: metadata, every provision with its quote, the
interpretations (labels, alternatives, rationale, the passage), the rubrics and
the JSON Schema of the pack's input.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from ._contract import CONTRACT_VERSION
from ._i18n import Text
from ._interpretations import Interpretation
from ._numbers import format_number
from ._pack_origin import Origin
from ._rules import Provision

if TYPE_CHECKING:
    from ._pack import Pack

_CONFIG = ConfigDict(frozen=True, extra="forbid", json_schema_serialization_defaults_required=True)


class PackSummary(BaseModel):
    """One installed pack, as ``pairing-rules packs --format json`` lists it."""

    model_config = _CONFIG

    id: str
    version: str
    title: str
    issuer: str | None = None
    doc_number: str | None = None
    published: dt.date | None = None
    year: int | None = None
    label: Text
    content_hash: str
    collections: list[str]
    rubrics: list[str]
    origin: Origin | None = None
    extensions: list[Origin] = Field(default_factory=list)


class PackList(BaseModel):
    """The installed packs (the server's ``GET /api/v1/packs``)."""

    model_config = _CONFIG

    contract: str = CONTRACT_VERSION
    packs: list[PackSummary]


class RubricItemSummary(BaseModel):
    """One item of a rubric: its id, kind, label and points (as the document prints them)."""

    model_config = _CONFIG

    id: str
    kind: str
    label: Text
    points: str


class RubricSummary(BaseModel):
    """A rubric: its id, label, declared total and items."""

    model_config = _CONFIG

    id: str
    label: Text
    declared_total: str
    items: list[RubricItemSummary]
    collection: str


class PackDetail(BaseModel):
    """A pack in full: ``pairing-rules show --format json``, the server's ``GET /packs/{id}``.

    :param document: the document's metadata (title, issuer, document number, dates …).
    :param quotas: the ids of the pack's quota tables.
    :param input_schema: the JSON Schema of the pack's input object (``pairing-rules
        schema input:ID``).
    """

    model_config = _CONFIG

    contract: str = CONTRACT_VERSION
    id: str
    version: str
    content_hash: str
    label: Text
    document: dict[str, Any]
    collections: list[str]
    provisions: list[Provision]
    interpretations: list[Interpretation]
    rubrics: list[RubricSummary]
    quotas: list[str] = Field(default_factory=list)
    input_schema: dict[str, Any] = Field(default_factory=dict)


def pack_summary(pack: Pack) -> PackSummary:
    """The summary of ``pack``."""
    doc = pack.document
    return PackSummary(
        id=pack.id,
        version=pack.version,
        title=doc.title,
        issuer=doc.issuer,
        doc_number=doc.doc_number,
        published=doc.published,
        year=doc.year,
        label=pack.definition.label,
        content_hash=pack.content_hash,
        collections=pack.collections(),
        rubrics=[r.id for r in pack.definition.rubrics],
        origin=pack.origin,
        extensions=list(pack.extensions),
    )


def pack_detail(pack: Pack, *, schema: bool = True) -> PackDetail:
    """The detail of ``pack``.

    :param schema: include the JSON Schema of its input.
    """
    from ._result_schema import input_schema

    d = pack.definition
    return PackDetail(
        id=pack.id,
        version=pack.version,
        content_hash=pack.content_hash,
        label=d.label,
        document=pack.document.metadata(),
        collections=pack.collections(),
        provisions=list(pack.provisions()),
        interpretations=list(d.interpretations),
        rubrics=[
            RubricSummary(
                id=r.id,
                label=r.label,
                collection=r.collection,
                declared_total=format_number(r.declared_total),
                items=[
                    RubricItemSummary(
                        id=i.id, kind=i.kind, label=i.label, points=format_number(i.points)
                    )
                    for i in r.items
                ],
            )
            for r in d.rubrics
        ],
        quotas=[q.id for q in d.quotas],
        input_schema=input_schema(pack) if schema else {},
    )
