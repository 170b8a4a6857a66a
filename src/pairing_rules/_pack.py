"""Rule packs: one source document encoded as data with citations.

A pack is a YAML file (``pack.yaml``) validated by :class:`PackDefinition`,
beside the document's full text.  :func:`load_pack` reads both, checks every
quote against the text, and returns a :class:`Pack`: the definition, the
document, the record types it reads, and a content hash that travels with
every result.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ._audit import Conflict
from ._conditions import Condition, filter_json
from ._enums import VocabularyEnum
from ._expr import parse as parse_expr
from ._i18n import Text
from ._interpretations import Choices, Interpretation
from ._milestones import Milestone
from ._models import CORE_RECORD_TYPES, Record
from ._not_rules import NotRule
from ._numbers import json_number
from ._provenance import Document, Source
from ._quota import QuotaTable
from ._requirements import GroupRequirement, Requirement
from ._rubric import Rubric, expr_text
from ._tables import StatedFigure, Table

PACK_ID: Final = r"^[a-z][a-z0-9_]{1,39}$"
VERSION: Final = r"^\d+\.\d+\.\d+([-+][0-9A-Za-z.]+)?$"


class PackError(ValueError):
    """A pack that cannot be loaded: invalid file, missing quote, unknown reference."""


class Fact(BaseModel):
    """A provision stated as a value: a target, a period, a duty, a figure …

    :param kind: a short English word for what it is (``target``, ``period``,
        ``deadline``, ``measure``, ``duty``, ``figure``, ``definition`` …).
    :param value: the value as JSON (a number, a date, a text, a list), or
        ``null`` for a qualitative measure listed for completeness.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_.]*$")
    kind: str = Field(pattern=r"^[a-z][a-z_]*$")
    label: Text
    value: Any = None
    unit: Text | None = None
    source: Source
    note: Text | None = None


class DocumentSpec(BaseModel):
    """The document's metadata in the pack file; ``text`` names the text file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    issuer: str
    doc_number: str | None = None
    published: Any = None
    year: int | None = None
    effective_from: Any = None
    effective_until: Any = None
    notes: list[Text] = Field(default_factory=list)
    text: str = "document.txt"


class PackDefinition(BaseModel):
    """The schema of a pack file.

    Everything a pack encodes is here, each number with its :class:`Source`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=PACK_ID)
    version: str = Field(pattern=VERSION)
    label: Text
    document: DocumentSpec
    collections: list[str] = Field(default_factory=list)
    provisions: list[Fact] = Field(default_factory=list)
    interpretations: list[Interpretation] = Field(default_factory=list)
    rubrics: list[Rubric] = Field(default_factory=list)
    requirements: list[Requirement] = Field(default_factory=list)
    group_requirements: list[GroupRequirement] = Field(default_factory=list)
    quotas: list[QuotaTable] = Field(default_factory=list)
    progress: ProgressSpec | None = None
    milestones: list[Milestone] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    figures: list[StatedFigure] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    #: interpretations read by the pack's own hook code (so results list them)
    hook_interpretations: list[str] = Field(default_factory=list)
    #: fields read by the pack's own hook code (so templates hold them)
    hook_fields: list[HookFields] = Field(default_factory=list)
    #: numbers of the document that are not rules, each with its reason (see ``coverage``)
    not_rules: list[NotRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> PackDefinition:
        for name in (
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
        ):
            ids = [getattr(x, "id") for x in getattr(self, name)]  # noqa: B009
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"{name}: duplicate ids {dupes}")
        known = {i.id for i in self.interpretations}
        used = self.interpretation_ids()
        missing = used - known
        if missing:
            raise ValueError(f"rules name undeclared interpretations {sorted(missing)}")
        return self

    def interpretation_ids(self) -> set[str]:
        """Every interpretation a rule of the pack names."""
        out: set[str] = set()
        for rubric in self.rubrics:
            out |= rubric.interpretation_ids()
        for req in self.requirements:
            out |= req.interpretation_ids()
        for group in self.group_requirements:
            out |= group.interpretation_ids()
        for table in self.quotas:
            out |= table.interpretation_ids()
        if any(m.month for m in self.milestones):
            out.add("milestones.month_due")
        out |= {c.interpretation for c in self.conflicts if c.interpretation}
        out |= set(self.hook_interpretations)
        return out


class HookFields(BaseModel):
    """Fields a pack's own hook code reads, declared so templates and documents show them.

    :param fields: field keys of ``collection`` (``agreement`` for the whole agreement).
    :param label: what the hook checks with them, with its ``source``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    collection: str
    fields: list[str] = Field(min_length=1)
    label: Text
    source: Source


class ProgressSpec(BaseModel):
    """How ``check`` measures progress against milestones with a target share.

    :param requirements: a record counts as done when every one of these
        requirements is met for it (and, if ``verified_field`` is set and the
        record gives a date there, that date is on or before the as-of date).
    :param applies_to: which records are counted at all.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    collection: str = "communities"
    requirements: list[str] = Field(min_length=1)
    applies_to: dict[str, list[Any]] | None = None
    verified_field: str | None = None
    label: Text
    source: Source


PackDefinition.model_rebuild()


class Provision(BaseModel):
    """One encoded provision as ``show`` lists it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    kind: str
    label: Text
    value: Any
    source: Source


class Pack:
    """A loaded rule pack: definition, document, record types and content hash.

    Create one with :func:`load_pack`; get installed ones from
    :func:`pairing_rules.get_pack`.
    """

    __slots__ = ("_hook", "content_hash", "definition", "document", "file", "path", "record_types")

    def __init__(
        self,
        definition: PackDefinition,
        document: Document,
        *,
        path: Path | None = None,
        record_types: Mapping[str, type[Record]] | None = None,
    ) -> None:
        self.definition = definition
        self.document = document
        self.path = path
        #: the pack file it was loaded from, when it was loaded from a file
        self.file: Path | None = None
        self.record_types: dict[str, type[Record]] = {**CORE_RECORD_TYPES, **(record_types or {})}
        self._hook: Any = None
        self.content_hash = _content_hash(definition, document, self.record_types)
        self._validate()

    # -- identity ---------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def version(self) -> str:
        return self.definition.version

    @property
    def ref(self) -> str:
        """``id@version``, as results carry it."""
        return f"{self.id}@{self.version}"

    def __repr__(self) -> str:
        return f"<Pack {self.ref} {self.content_hash[:19]}>"

    # -- lookups ----------------------------------------------------------------------

    def choices(self, overrides: Mapping[str, str] | None = None) -> Choices:
        """The interpretation values: defaults merged with ``overrides``."""
        return Choices(self.definition.interpretations, overrides)

    def rubric(self, rubric_id: str) -> Rubric:
        for rubric in self.definition.rubrics:
            if rubric.id == rubric_id:
                return rubric
        known = ", ".join(r.id for r in self.definition.rubrics) or "(none)"
        raise KeyError(f"pack {self.id} has no rubric {rubric_id!r}; it has: {known}")

    def quota_table(self, table_id: str) -> QuotaTable:
        for table in self.definition.quotas:
            if table.id == table_id:
                return table
        raise KeyError(f"pack {self.id} has no quota table {table_id!r}")

    def table(self, table_id: str) -> Table:
        for table in self.definition.tables:
            if table.id == table_id:
                return table
        raise KeyError(f"pack {self.id} has no table {table_id!r}")

    def collections(self) -> list[str]:
        """The record collections the pack reads, in a stable order."""
        seen: list[str] = list(self.definition.collections)
        for rubric in self.definition.rubrics:
            seen.append(rubric.collection)
        for req in self.definition.requirements:
            seen.append(req.collection)
        for group in self.definition.group_requirements:
            seen.append(group.collection)
        return list(dict.fromkeys(seen))

    def fields_read(self, collection: str) -> dict[str, list[tuple[str, Text, Source]]]:
        """Which fields of ``collection`` the pack's rules read, and the rules that read them.

        The value lists ``(rule id, rule label, source)`` for every rule reading the field,
        so a template or a document can cite the rules each column feeds.
        """
        out: dict[str, list[tuple[str, Text, Source]]] = {}

        def add(
            names: Iterator[str] | set[str] | list[str], rid: str, label: Text, source: Source
        ) -> None:
            for name in names:
                entries = out.setdefault(name, [])
                if all(e[0] != rid for e in entries):
                    entries.append((rid, label, source))

        d = self.definition
        for rubric in d.rubrics:
            if rubric.collection != collection:
                continue
            add(list(rubric.applies_to or {}), f"rubric.{rubric.id}", rubric.label, rubric.source)
            for item in rubric.items:
                rid = f"rubric.{rubric.id}.{item.id}"
                names: set[str] = set(item.applies_to or {})
                for cond in item.all_conditions():
                    names |= cond.fields()
                value = getattr(item, "value", None)
                if value is not None:
                    names |= parse_expr(value).fields()
                flag = getattr(item, "field", None)
                if isinstance(flag, str):
                    names.add(flag)
                add(names, rid, item.label, item.source)
            for veto in rubric.vetoes:
                names = set()
                for cond in veto.triggers:
                    names |= cond.fields()
                add(names, f"rubric.{rubric.id}.veto.{veto.id}", veto.label, veto.source)
        for req in d.requirements:
            if req.collection != collection:
                continue
            names = set(req.applies_to or {})
            for cond in req.conditions:
                names |= cond.fields()
            names |= {e.field for e in req.evidence}
            add(names, f"requirement.{req.id}", req.label, req.source)
        for group in d.group_requirements:
            if group.collection != collection:
                continue
            names = set(group.where or {}) | set(group.base or {}) | set(group.distinct or [])
            if group.group_by:
                names.add(group.group_by)
            add(names, f"group.{group.id}", group.label, group.source)
        progress = d.progress
        if progress is not None and progress.collection == collection:
            names = set(progress.applies_to or {})
            if progress.verified_field:
                names.add(progress.verified_field)
            add(names, "progress", progress.label, progress.source)
        for n, hook in enumerate(d.hook_fields, start=1):
            if hook.collection == collection:
                add(list(hook.fields), f"hook{n}", hook.label, hook.source)
        return out

    def sources(self) -> Iterator[tuple[str, Source]]:
        """Every citation in the pack, with the id of what cites it."""
        for provision in self.provisions():
            yield provision.id, provision.source
        for interp in self.definition.interpretations:
            if interp.source is not None:
                yield f"interpretation.{interp.id}", interp.source
        for rubric in self.definition.rubrics:
            for veto in rubric.vetoes:
                for c in veto.triggers:
                    yield f"rubric.{rubric.id}.veto.{veto.id}.trigger", c.source
        for table in self.definition.quotas:
            for row in table.rows:
                if row.source is not None:
                    yield f"quota.{table.id}.{row.region}", row.source
        for conflict in self.definition.conflicts:
            yield f"conflict.{conflict.id}.a", conflict.a.source
            yield f"conflict.{conflict.id}.b", conflict.b.source
        for n, hook in enumerate(self.definition.hook_fields, start=1):
            yield f"hook_fields{n}", hook.source

    def provisions(self) -> list[Provision]:
        """Every encoded provision, flattened, each with its source."""
        return list(_provisions(self.definition))

    # -- validation -------------------------------------------------------------------

    def _validate(self) -> None:
        missing = [
            f"{owner}: {source.section}「{source.quote}」"
            for owner, source in self.sources()
            if not self.document.contains(source.quote)
        ]
        if missing:
            raise PackError(
                f"pack {self.id}: {len(missing)} quote(s) not found in the document text:\n  "
                + "\n  ".join(missing)
            )
        collections = self.collections()
        unknown = [c for c in collections if c not in self.record_types]
        if unknown:
            raise PackError(f"pack {self.id}: unknown record collections {unknown}")
        for hook in self.definition.hook_fields:
            model = self.record_types.get(hook.collection)
            if model is None:
                raise PackError(
                    f"pack {self.id}: hook_fields names unknown collection {hook.collection}"
                )
            bad = [f for f in hook.fields if f not in model.model_fields]
            if bad:
                raise PackError(f"pack {self.id}: hook_fields names unknown fields {bad}")
        tables = {t.id for t in self.definition.tables}
        for figure in self.definition.figures:
            if figure.recount.table not in tables:
                raise PackError(f"pack {self.id}: figure {figure.id} recounts unknown table")
        quotas = {q.id for q in self.definition.quotas}
        for group in self.definition.group_requirements:
            if group.quota is not None and group.quota not in quotas:
                raise PackError(f"pack {self.id}: {group.id} names unknown quota {group.quota}")
        # compile every rule once with default choices: unknown fields fail here
        choices = self.choices()
        for rubric in self.definition.rubrics:
            rubric.bind(choices, self.record_types[rubric.collection], pack_ref="", pack_hash="")
        for req in self.definition.requirements:
            req.bind(choices, self.record_types[req.collection])
        progress = self.definition.progress
        if progress is not None:
            reqs = {r.id for r in self.definition.requirements}
            if set(progress.requirements) - reqs:
                raise PackError(f"pack {self.id}: progress names unknown requirements")


@functools.cache
def _schema(model: type[Record]) -> dict[str, Any]:
    """The JSON schema of a record type (a class's schema never changes: computed once)."""
    return model.model_json_schema()


def _content_hash(
    definition: PackDefinition, document: Document, record_types: Mapping[str, type[Record]]
) -> str:
    payload = {
        "definition": definition.model_dump(mode="json"),
        "document": document.model_dump(mode="json"),
        "record_types": {k: _schema(v) for k, v in sorted(record_types.items())},
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, VocabularyEnum):
        return value.value
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _condition_value(c: Condition) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if c.field is not None:
        out["field"] = c.field
        out["equals"] = c.equals
    else:
        out["value"] = expr_text(c.value or "")
        if c.at_least is not None:
            out["at_least"] = _jsonable(c.at_least)
        if c.at_most is not None:
            out["at_most"] = _jsonable(c.at_most)
    if c.applies_to:
        out["applies_to"] = filter_json(c.applies_to)
    if c.when:
        out["when"] = c.when
    return out


def _provisions(d: PackDefinition) -> Iterator[Provision]:
    for fact in d.provisions:
        yield Provision(
            id=fact.id,
            kind=fact.kind,
            label=fact.label,
            value=_jsonable(fact.value),
            source=fact.source,
        )
    for rubric in d.rubrics:
        base = f"rubric.{rubric.id}"
        yield Provision(
            id=base,
            kind="rubric_total",
            label=rubric.label,
            value=_jsonable(rubric.declared_total),
            source=rubric.source,
        )
        for item in rubric.items:
            yield Provision(
                id=f"{base}.{item.id}",
                kind=f"rubric_item.{item.kind}",
                label=item.label,
                value=_jsonable(item.points),
                source=item.source,
            )
            for n, cond in enumerate(item.all_conditions(), start=1):
                yield Provision(
                    id=f"{base}.{item.id}.condition{n}",
                    kind="condition",
                    label=cond.label,
                    value=_condition_value(cond),
                    source=cond.source,
                )
        yield Provision(
            id=f"{base}.grades",
            kind="grades",
            label=Text(zh=f"{rubric.label.zh} 等次", en=f"{rubric.label.en}: grades"),
            value={
                "grades": [g.label.zh for g in rubric.grades.grades],
                "bands": {k: [_jsonable(x) for x in v] for k, v in rubric.grades.bands.items()},
            },
            source=rubric.grades.source,
        )
        for veto in rubric.vetoes:
            yield Provision(
                id=f"{base}.veto.{veto.id}",
                kind="veto",
                label=veto.label,
                value={"cap": veto.cap, "triggers": [_condition_value(c) for c in veto.triggers]},
                source=veto.source,
            )
    for req in d.requirements:
        base = f"requirement.{req.id}"
        yield Provision(
            id=base,
            kind="requirement",
            label=req.label,
            value={
                "collection": req.collection,
                "applies_to": filter_json(req.applies_to),
                "conditions": [_condition_value(c) for c in req.conditions],
                "evidence": [e.field for e in req.evidence],
            },
            source=req.source,
        )
        for n, cond in enumerate(req.conditions, start=1):
            yield Provision(
                id=f"{base}.condition{n}",
                kind="condition",
                label=cond.label,
                value=_condition_value(cond),
                source=cond.source,
            )
        for ev in req.evidence:
            yield Provision(
                id=f"{base}.evidence.{ev.field}",
                kind="evidence",
                label=ev.label,
                value=ev.field,
                source=ev.source,
            )
    for group in d.group_requirements:
        yield Provision(
            id=f"group.{group.id}",
            kind=f"group_{group.kind}",
            label=group.label,
            value=group.model_dump(
                mode="json",
                exclude={"id", "label", "source"},
                exclude_none=True,
            ),
            source=group.source,
        )
    for table in d.quotas:
        yield Provision(
            id=f"quota.{table.id}",
            kind="quota_table",
            label=table.label,
            value={
                "rows": [
                    {"region": r.region, "parent": r.parent, "published": r.published}
                    for r in table.rows
                ],
                "total": table.total(),
            },
            source=table.source,
        )
        for n, printed in enumerate(table.sums, start=1):
            yield Provision(
                id=f"quota.{table.id}.sum{n}",
                kind="quota_sum",
                label=Text(
                    zh=f"{table.label.zh} {printed.parent or '合计'}（{printed.column}）",
                    en=f"{table.label.en}: {printed.parent or 'total'} ({printed.column})",
                ),
                value=_jsonable(printed.value),
                source=printed.source,
            )
        if table.formula is not None:
            yield Provision(
                id=f"quota.{table.id}.formula",
                kind="quota_formula",
                label=table.formula.label,
                value={
                    "expr": expr_text(table.formula.expr),
                    "rounding": table.formula.rounding,
                    "rounding_interpretation": table.formula.rounding_interpretation,
                },
                source=table.formula.source,
            )
    if d.progress is not None:
        yield Provision(
            id="progress",
            kind="progress",
            label=d.progress.label,
            value={"requirements": d.progress.requirements},
            source=d.progress.source,
        )
    for m in d.milestones:
        yield Provision(
            id=f"milestone.{m.id}",
            kind="milestone",
            label=m.label,
            value={
                "due": m.due.isoformat() if m.due else None,
                "month": m.month,
                "due_text": m.due_text,
                "progress": _jsonable(m.progress) if m.progress is not None else None,
                "target_share": _jsonable(m.target_share) if m.target_share is not None else None,
            },
            source=m.source,
        )
    for ref in d.tables:
        yield Provision(
            id=f"table.{ref.id}",
            kind="table",
            label=ref.label,
            value={"columns": [c.name for c in ref.columns], "rows": len(ref.rows)},
            source=ref.source,
        )
    for figure in d.figures:
        yield Provision(
            id=f"figure.{figure.id}",
            kind="figure",
            label=figure.label,
            value=_jsonable(figure.stated),
            source=figure.source,
        )


def load_pack(
    path: str | Path,
    *,
    record_types: Mapping[str, type[Record]] | None = None,
) -> Pack:
    """Load a pack file (YAML) and the document text beside it.

    :param path: the pack file, e.g. ``.../pairing_rules_cangnan2022/pack.yaml``.
    :param record_types: record types for collections beyond the core ones.
    :raises PackError: when the file is invalid or a quote is not in the text.
    """
    file = Path(path)
    try:
        raw = yaml.load(file.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, yaml.YAMLError) as exc:
        raise PackError(f"cannot read pack file {file}: {exc}") from exc
    pack = pack_from_data(raw, base=file.parent, record_types=record_types)
    pack.file = file
    return pack


def pack_from_data(
    raw: Any,
    *,
    base: Path,
    record_types: Mapping[str, type[Record]] | None = None,
    text: str | None = None,
) -> Pack:
    """Build a :class:`Pack` from a parsed pack file (``text`` overrides the text file)."""
    try:
        definition = PackDefinition.model_validate(raw)
        definition = definition.model_copy(
            update={
                "quotas": [q.load_rows(base) for q in definition.quotas],
                "tables": [t.load_rows(base) for t in definition.tables],
            }
        )
        spec = definition.document
        body = text if text is not None else (base / spec.text).read_text(encoding="utf-8")
        document = Document(
            title=spec.title,
            issuer=spec.issuer,
            doc_number=spec.doc_number,
            published=spec.published,
            year=spec.year,
            effective_from=spec.effective_from,
            effective_until=spec.effective_until,
            notes=spec.notes,
            text=body,
        )
        return Pack(definition, document, path=base, record_types=record_types)
    except PackError:
        raise
    except (ValueError, OSError, KeyError) as exc:
        pack_id = raw.get("id") if isinstance(raw, dict) else None
        raise PackError(f"invalid pack {pack_id or base}: {exc}") from exc


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
