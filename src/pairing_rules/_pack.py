"""Rule packs: one source document encoded as data with citations.

A pack is a YAML file (``pack.yaml``) validated by
:class:`~pairing_rules.PackDefinition`, beside the document's full text and,
where a rule is truly computational, a Python module the file names
(``python: {module: …, record_types: {…}}``).  :func:`load_pack` reads all of
them, checks every quote against the text, binds every rule once, and returns
a :class:`Pack`: the definition, the document, the record types it reads, the
hooks of its own module, and a content hash over all of it that travels with
every result.  A pack loaded from its directory is the pack installed from it.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

import yaml

from ._definition import PackDefinition
from ._errors import ErrorInfo, UnknownNameError
from ._fields import record_spec
from ._i18n import Text
from ._interpretations import Choices
from ._models import CORE_RECORD_TYPES, Record
from ._pack_origin import (
    HookCall,
    Origin,
    Provenance,
    content_hash,
    provenance_hash,
)
from ._period import Period
from ._provenance import Document, Source
from ._quota import QuotaTable
from ._rubric import Rubric
from ._rules import Provision
from ._tables import Table

if TYPE_CHECKING:
    import pluggy

PACK_FILE: Final = "pack.yaml"


class PackError(ErrorInfo, ValueError):
    """A pack that cannot be loaded: invalid file, missing quote, unknown reference.

    Its code is ``invalid_pack``.

    :param text: what is wrong, in Chinese and English.
    :param issues: each problem with its place in the pack file (``file:line:column``)
        and its rule (:class:`~pairing_rules.LintIssue`), when the file was checked.
    """

    code = "invalid_pack"

    def __init__(self, message: str, text: Text | None = None, issues: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.text = text or Text(zh=message, en=message)
        self.issues = list(issues)


def _problems_error(file: Path, issues: Sequence[Any]) -> PackError:
    """The load error of a pack file with ``issues`` (positioned, bilingual)."""
    text = Text(
        zh=f"规则包文件 {file} 有 {len(issues)} 个问题，无法加载：\n"
        + "\n".join(i.render("zh") for i in issues),
        en=f"the pack file {file} has {len(issues)} problem(s) and cannot be loaded:\n"
        + "\n".join(i.render("en") for i in issues),
    )
    return PackError(text.en, text, issues)


def provenance_of(pack: Pack) -> Provenance:
    """The provenance of results produced by ``pack``."""
    return Provenance(hash=pack.provenance, origin=pack.origin, extensions=list(pack.extensions))


class Pack:
    """A loaded rule pack: definition, document, record types, hooks and content hash.

    Create one with :func:`load_pack`; get installed ones from
    :func:`pairing_rules.get_pack`.

    :ivar origin: who provides the pack (set by the registry for installed packs).
    :ivar extensions: the plugins that extend the pack's audit and check, besides its own.
    """

    __slots__ = (
        "_hooks",
        "content_hash",
        "definition",
        "document",
        "extensions",
        "file",
        "module",
        "origin",
        "path",
        "plugins",
        "provenance",
        "record_types",
    )

    def __init__(
        self,
        definition: PackDefinition,
        document: Document,
        *,
        path: Path | None = None,
        record_types: Mapping[str, type[Record]] | None = None,
        module: ModuleType | None = None,
    ) -> None:
        self.definition = definition
        self.document = document
        self.path = path
        #: the pack file it was loaded from, when it was loaded from a file
        self.file: Path | None = None
        #: the module implementing the pack's own hooks (``python.module`` of the pack file)
        self.module = module
        self.record_types: dict[str, type[Record]] = {**CORE_RECORD_TYPES, **(record_types or {})}
        self.origin: Origin | None = None
        self.extensions: tuple[Origin, ...] = ()
        #: the plugins whose hooks run for this pack: its own module first, then extensions
        self.plugins: tuple[tuple[object, Origin], ...] = (
            ((module, Origin(plugin=module.__name__)),) if module is not None else ()
        )
        self._hooks: pluggy.PluginManager | None = None
        self.content_hash = content_hash(definition, document, self.record_types, module)
        self.provenance = self.content_hash
        self._validate()

    # -- identity ---------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def version(self) -> str:
        return self.definition.version

    @property
    def period(self) -> Period:
        """The period the pack's rules apply in (its document's ``effective_from`` and
        ``effective_until``; open where the document states none)."""
        return Period(
            effective_from=self.document.effective_from,
            effective_until=self.document.effective_until,
        )

    @property
    def series(self) -> str | None:
        """The series the pack belongs to (``series:`` of its file), if any."""
        return self.definition.series

    @property
    def ref(self) -> str:
        """``id@version``, as results carry it."""
        return f"{self.id}@{self.version}"

    def __repr__(self) -> str:
        return f"<Pack {self.ref} {self.content_hash[:19]}>"

    def provided(
        self,
        origin: Origin | None,
        owner: object | None = None,
        extensions: Sequence[tuple[object, Origin]] = (),
    ) -> Pack:
        """A copy of the pack as a registry provides it: its origin, and the plugins extending it.

        :param owner: the plugin that provided the pack (its hooks run as the pack's own).
        :param extensions: other plugins that declared they extend the pack.
        """
        copy = object.__new__(Pack)
        for name in Pack.__slots__:
            object.__setattr__(copy, name, getattr(self, name))
        copy.origin = origin
        plugins = list(self.plugins)
        known = {id(p) for p, _o in plugins}
        if owner is not None and id(owner) not in known and origin is not None:
            plugins.append((owner, origin))
            known.add(id(owner))
        added = [(p, o) for p, o in extensions if id(p) not in known]
        copy.plugins = (*plugins, *added)
        copy.extensions = tuple(o for _p, o in added)
        copy._hooks = None
        copy.provenance = provenance_hash(self.content_hash, copy.extensions)
        return copy

    # -- hooks ------------------------------------------------------------------------

    def call_hook(self, name: str, **kwargs: Any) -> list[HookCall]:
        """Call hook ``name`` of the pack's own plugins and of its extensions, each on its own.

        A plugin that raises does not stop the others: its answer carries the error.
        """
        from ._registry import make_plugin_manager

        if self._hooks is None:
            pm = make_plugin_manager()
            for plugin, origin in self.plugins:
                if not pm.is_registered(plugin):
                    pm.register(plugin, name=f"{origin.plugin}#{id(plugin)}")
            self._hooks = pm
        origins = {id(p): o for p, o in self.plugins}
        calls = []
        for impl in getattr(self._hooks.hook, name).get_hookimpls():
            origin = origins[id(impl.plugin)]
            try:
                result = impl.function(*[kwargs[a] for a in impl.argnames])
            except Exception as exc:  # a plugin's failure stays its own
                calls.append(HookCall(origin, None, f"{type(exc).__name__}: {exc}"))
                continue
            calls.append(HookCall(origin, result))
        return calls

    # -- lookups ----------------------------------------------------------------------

    def choices(self, overrides: Mapping[str, str] | None = None) -> Choices:
        """The interpretation values: defaults merged with ``overrides``."""
        return Choices(self.definition.interpretations, overrides)

    def rubric(self, rubric_id: str) -> Rubric:
        """The rubric ``rubric_id``.

        :raises UnknownNameError: (a :class:`KeyError`, code ``unknown_rubric``) when there is none.
        """
        for rubric in self.definition.rubrics:
            if rubric.id == rubric_id:
                return rubric
        raise self._unknown("rubric", rubric_id, [r.id for r in self.definition.rubrics])

    def quota_table(self, table_id: str) -> QuotaTable:
        """The quota table ``table_id``.

        :raises UnknownNameError: (a :class:`KeyError`, code ``unknown_quota_table``).
        """
        for table in self.definition.quotas:
            if table.id == table_id:
                return table
        raise self._unknown("quota_table", table_id, [q.id for q in self.definition.quotas])

    def table(self, table_id: str) -> Table:
        """The reference table ``table_id``.

        :raises UnknownNameError: (a :class:`KeyError`, code ``unknown_table``).
        """
        for table in self.definition.tables:
            if table.id == table_id:
                return table
        raise self._unknown("table", table_id, [t.id for t in self.definition.tables])

    def _unknown(self, kind: str, name: str, known: list[str]) -> UnknownNameError:
        what = {
            "rubric": ("考核细则", "rubric", "rubric"),
            "quota_table": ("定额表", "quota table", "table"),
            "table": ("参考表", "reference table", "table"),
        }[kind]
        text = Text(
            zh=f"规则包 {self.id} 没有{what[0]} {name!r}；可选：{'、'.join(known) or '（无）'}",
            en=f"pack {self.id} has no {what[1]} {name!r}; it has: {', '.join(known) or '(none)'}",
        )
        return UnknownNameError(f"unknown_{kind}", text, argument=what[2], name=name)

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
        for reading in self.definition.readings():
            if reading.collection != collection:
                continue
            for name in sorted(reading.fields):
                entries = out.setdefault(name, [])
                if all(e[0] != reading.rule for e in entries):
                    entries.append((reading.rule, reading.label, reading.source))
        return out

    def sources(self) -> list[tuple[str, Source]]:
        """Every citation in the pack, with the id of what cites it."""
        return list(self.definition.citations())

    def provisions(self) -> list[Provision]:
        """Every encoded provision, flattened, each with its source."""
        return list(self.definition.all_provisions())

    def quota_targets(self, table_id: str) -> dict[str, Any]:
        """The published value of each row of quota table ``table_id``, by region."""
        return self.quota_table(table_id).targets()

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
                + "\n  ".join(missing),
                Text(
                    zh=f"规则包 {self.id}：{len(missing)} 处引文在文件全文中找不到：\n  "
                    + "\n  ".join(missing),
                    en=f"pack {self.id}: {len(missing)} quote(s) not found in the document text:\n  "
                    + "\n  ".join(missing),
                ),
            )
        unknown = [c for c in self.collections() if c not in self.record_types]
        if unknown:
            raise PackError(f"pack {self.id}: unknown record collections {unknown}")
        for reading in self.definition.readings():
            model = self.record_types.get(reading.collection)
            if model is None:
                raise PackError(
                    f"pack {self.id}: {reading.rule} names unknown collection {reading.collection}"
                )
            bad = sorted(f for f in reading.fields if f not in model.model_fields)
            if bad:
                raise PackError(f"pack {self.id}: {reading.rule} reads unknown fields {bad}")
        tables = {t.id for t in self.definition.tables}
        for figure in self.definition.figures:
            if figure.recount.table not in tables:
                raise PackError(f"pack {self.id}: figure {figure.id} recounts unknown table")
        quotas = {q.id for q in self.definition.quotas}
        for group in self.definition.group_requirements:
            if group.quota is not None and group.quota not in quotas:
                raise PackError(f"pack {self.id}: {group.id} names unknown quota {group.quota}")
        progress = self.definition.progress
        if progress is not None:
            reqs = {r.id for r in self.definition.requirements}
            if set(progress.requirements) - reqs:
                raise PackError(f"pack {self.id}: progress names unknown requirements")
        # bind every rule once with the default choices: what cannot be evaluated fails here
        try:
            self.bind_all(self.choices())
        except (ValueError, KeyError) as exc:
            raise PackError(f"pack {self.id}: {exc}") from exc

    def bind_all(self, choices: Choices) -> None:
        """Bind every rule of the pack to ``choices`` (raises what a rule cannot evaluate)."""
        d = self.definition
        for rubric in d.rubrics:
            rubric.bind(choices, record_spec(self.record_types[rubric.collection]))
        for req in d.requirements:
            req.bind(choices, record_spec(self.record_types[req.collection]))
        for group in d.group_requirements:
            group.bind(
                choices, record_spec(self.record_types[group.collection]), self.quota_targets
            )


# ------------------------------------------------------------------------------ loading


def pack_file(path: str | Path) -> Path:
    """The pack file at ``path``: the file itself, or ``pack.yaml`` in a pack's directory.

    A pack's distribution directory (with ``src/<package>/pack.yaml``) works too.
    """
    file = Path(path)
    if file.is_dir():
        direct = file / PACK_FILE
        if direct.is_file():
            return direct
        found = sorted(file.glob(f"src/*/{PACK_FILE}"))
        if len(found) == 1:
            return found[0]
        raise PackError(
            f"no {PACK_FILE} in {file}",
            Text(zh=f"{file} 中没有 {PACK_FILE}", en=f"no {PACK_FILE} in {file}"),
        )
    return file


def load_pack(
    path: str | Path,
    *,
    record_types: Mapping[str, type[Record]] | None = None,
) -> Pack:
    """Load a pack: its file (YAML), the document text beside it, and its Python module.

    :param path: the pack file, e.g. ``.../pairing_rules_cangnan2022/pack.yaml``, or
        the directory holding it (or the pack's distribution directory).
    :param record_types: record types for collections beyond the core ones and the
        pack's own (the pack file names those in ``python.record_types``).
    :raises PackError: when the file is invalid or a quote is not in the text.
    """
    from ._lint import lint_text, load_errors_with_positions, load_problems

    file = pack_file(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(
            f"cannot read pack file {file}: {exc}",
            Text(zh=f"无法读取规则包文件 {file}：{exc}", en=f"cannot read pack file {file}: {exc}"),
        ) from exc
    try:
        raw = yaml.load(text, Loader=_Loader)
        pack = pack_from_data(raw, base=file.parent, record_types=record_types)
    except (yaml.YAMLError, ValueError) as exc:  # a PackError is a ValueError
        # every problem at once, as ``pairing-rules lint`` reports them
        issues = [
            i
            for i in lint_text(text, file=str(file), base=file.parent, record_types=record_types)
            if i.severity == "error"
        ] or load_errors_with_positions(
            text, file=str(file), error=exc, base=file.parent, record_types=record_types
        )
        if issues:
            raise _problems_error(file, issues) from exc
        if isinstance(exc, PackError):
            raise
        raise PackError(f"cannot read pack file {file}: {exc}") from exc
    pack.file = file
    problems = load_problems(pack)
    if problems:
        raise _problems_error(file, problems)
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
        module = None
        types: dict[str, type[Record]] = {}
        if definition.python is not None:
            module = import_pack_module(definition.python.module, base)
            types = _declared_types(module, definition.python.record_types)
        return Pack(
            definition,
            document,
            path=base,
            record_types={**types, **(record_types or {})},
            module=module,
        )
    except PackError:
        raise
    except (ValueError, OSError, KeyError) as exc:
        pack_id = raw.get("id") if isinstance(raw, dict) else None
        raise PackError(f"invalid pack {pack_id or base}: {exc}") from exc


def import_pack_module(name: str, directory: Path) -> ModuleType:
    """The pack module ``name`` whose code is in ``directory`` (the pack file's directory).

    The installed module when it is installed from there; otherwise the package
    in ``directory`` itself, imported on its own (under a private name when
    another copy of the module is installed, as when an author copies last
    year's pack to write the next).

    :raises PackError: when it cannot be imported.
    """
    here = directory.resolve()
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin is not None and Path(spec.origin).resolve().parent == here:
        try:
            return importlib.import_module(name)
        except Exception as exc:
            raise PackError(f"the pack module {name} failed to import: {exc}") from exc
    init = here / "__init__.py"
    if not init.is_file():
        raise PackError(
            f"the pack module {name} is neither installed from {here} nor in it",
            Text(
                zh=f"找不到规则包模块 {name}：它既不是从 {here} 安装的，也不在该目录中",
                en=f"the pack module {name} is neither installed from {here} nor in it",
            ),
        )
    alias = (
        name if spec is None else f"{name}__{hashlib.sha256(str(here).encode()).hexdigest()[:12]}"
    )
    loaded = sys.modules.get(alias)
    if loaded is not None:
        return loaded
    local = importlib.util.spec_from_file_location(
        alias, init, submodule_search_locations=[str(here)]
    )
    if local is None or local.loader is None:
        raise PackError(f"cannot import the pack module {name} from {here}")
    module = importlib.util.module_from_spec(local)
    sys.modules[alias] = module
    try:
        local.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(alias, None)
        raise PackError(f"the pack module {name} failed to import from {here}: {exc}") from exc
    return module


def _declared_types(module: ModuleType, names: Mapping[str, str]) -> dict[str, type[Record]]:
    out: dict[str, type[Record]] = {}
    for collection, attribute in names.items():
        model = getattr(module, attribute, None)
        if not (isinstance(model, type) and issubclass(model, Record)):
            raise PackError(
                f"{module.__name__}.{attribute} (record type of {collection}) is not a Record"
            )
        out[collection] = model
    return out


_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """The safe loader, refusing a key written twice in one mapping (YAML keeps the last)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str | int) and key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)
