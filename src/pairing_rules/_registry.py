"""The plugin registry: packs are found through pluggy and the entry-point group ``pairing_rules``.

Every :class:`Registry` has a plugin manager of its own, so tests and
embedding applications never share state.

Who provides a pack is never decided by load order:

- an installed pack is provided under an entry point named after its id
  (``cangnan2022 = "pairing_rules_cangnan2022"``); a plugin offering a pack
  under another entry point's name is reported and not used;
- a pack id offered by two distributions (or two plugins) is a conflict: both
  are reported with their distribution names and versions, and neither is used
  until the user chooses one (``Registry(choose=…)``, the command line's
  ``--pack-dist ID=DISTRIBUTION`` or ``PAIRING_RULES_PACK_DIST``);
- a pack's ``pairing_rules_audit`` and ``pairing_rules_check`` hooks are its
  own plugin's, plus those of plugins that declare, through
  ``pairing_rules_extends``, that they extend it; nothing else runs for it,
  and every result says which extensions ran (see :class:`~pairing_rules.Pack`).

A plugin that fails to import (even by calling ``sys.exit``), fails
validation, or provides an invalid pack is recorded in
:attr:`Registry.errors` and skipped; the other packs are still listed.  Set
``PAIRING_RULES_DISABLE_PLUGIN_AUTOLOAD=1`` to load no entry points.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Final

import pluggy

from . import _hookspecs
from ._errors import ErrorInfo
from ._hookspecs import PROJECT
from ._i18n import Lang, Text
from ._pack import Pack, PackError
from ._pack_origin import Origin

ENTRY_POINT_GROUP: Final = "pairing_rules"
AUTOLOAD_ENV: Final = "PAIRING_RULES_DISABLE_PLUGIN_AUTOLOAD"
#: ``ID=DISTRIBUTION[,ID=DISTRIBUTION…]``: which distribution provides a pack offered by several
CHOOSE_ENV: Final = "PAIRING_RULES_PACK_DIST"


class UnknownPackError(ErrorInfo, LookupError):
    """No installed pack has the requested id (code ``unknown_pack``)."""

    code = "unknown_pack"

    def __init__(self, pack_id: str, known: Sequence[str]) -> None:
        names = ", ".join(known) or "(none)"
        self.text = Text(
            zh=f"没有名为 {pack_id} 的规则包；已安装：{'、'.join(known) or '（无）'}",
            en=f"no pack named {pack_id}; installed: {names}",
        )
        super().__init__(f"{self.text.zh} / {self.text.en}")
        self.pack_id = pack_id
        #: the ids of the installed packs
        self.known = list(known)
        self.value = pack_id
        self.field = "pack"


class PackVersionError(ErrorInfo, LookupError):
    """The installed pack is not the version asked for (``get_pack("cangnan2022==2.0.0")``).

    Its code is ``pack_version_mismatch``.

    :param pack_id: the pack's id.
    :param wanted: the version pinned.
    :param installed: the version installed.
    """

    code = "pack_version_mismatch"

    def __init__(self, pack_id: str, wanted: str, installed: str) -> None:
        self.text = Text(
            zh=f"规则包 {pack_id} 已安装的版本是 {installed}，不是指定的 {wanted}；"
            f"请安装 {pack_id} {wanted}，或改用已安装的版本",
            en=f"pack {pack_id} is installed at version {installed}, not the {wanted} pinned; "
            f"install {pack_id} {wanted}, or pin the installed version",
        )
        super().__init__(f"{self.text.zh} / {self.text.en}")
        self.pack_id = pack_id
        self.wanted = wanted
        self.installed = installed
        self.value = f"{pack_id}=={wanted}"
        self.field = "pack"


def split_pin(spec: str) -> tuple[str, str | None]:
    """``"cangnan2022==2.0.0"`` (or ``"cangnan2022@2.0.0"``, a result's ``pack``) → id and version.

    >>> split_pin("cangnan2022==2.0.0"), split_pin("cangnan2022")
    (('cangnan2022', '2.0.0'), ('cangnan2022', None))
    """
    for separator in ("==", "@"):
        name, sep, version = spec.partition(separator)
        if sep and name.strip() and version.strip():
            return name.strip(), version.strip()
    return spec.strip(), None


class PackLoadError(PackError):
    """An installed pack that failed to load: its errors, as the loader reported them.

    Its code is ``pack_load_failed``.
    """

    code = "pack_load_failed"

    def __init__(
        self, pack_id: str, errors: Sequence[PluginError], cause: PackError | None = None
    ) -> None:
        zh = [cause.text.zh] if cause is not None else [e.reason("zh") for e in errors]
        en = [cause.text.en] if cause is not None else [e.reason("en") for e in errors]
        text = Text(
            zh=f"规则包 {pack_id} 已安装，但无法加载：\n" + "\n".join(zh),
            en=f"pack {pack_id} is installed but failed to load:\n" + "\n".join(en),
        )
        super().__init__(text.en, text, cause.issues if cause is not None else ())
        self.pack_id = pack_id
        self.errors = list(errors)
        self.value = pack_id
        self.field = "pack"


class PackConflictError(ErrorInfo, LookupError):
    """A pack id that several distributions offer, none of them chosen (code ``pack_conflict``)."""

    code = "pack_conflict"

    def __init__(self, pack_id: str, origins: Sequence[Origin]) -> None:
        shown = "; ".join(o.render() for o in origins)
        self.text = Text(
            zh=f"规则包 {pack_id} 由多个发行包提供（{shown}），均未采用；"
            f"请用 --pack-dist {pack_id}=发行包名 或环境变量 {CHOOSE_ENV} 指定其一",
            en=f"pack {pack_id} is offered by several distributions ({shown}) and none is used; "
            f"choose one with --pack-dist {pack_id}=DISTRIBUTION or {CHOOSE_ENV}",
        )
        super().__init__(f"{self.text.zh} / {self.text.en}")
        self.pack_id = pack_id
        self.origins = list(origins)
        self.value = pack_id
        self.field = "pack"


@dataclass(frozen=True)
class PluginError:
    """A plugin or pack that was skipped, and why.

    :param plugin: the plugin's name (the entry point's name where there is one).
    :param stage: ``import``, ``register``, ``packs`` (its hook raised or returned
        something invalid), ``load`` (its pack failed to load), ``name`` (a pack
        offered under another entry point's name), ``conflict`` (a pack id offered by
        several distributions, none chosen) or ``extends``.
    :param message: why, in English.
    :param pack: the pack concerned, where there is one.
    :param text: why, in Chinese and English (``message`` is its English form).
    """

    plugin: str
    stage: str
    message: str
    distribution: str | None = None
    version: str | None = None
    pack: str | None = None
    text: Text | None = None

    def reason(self, lang: Lang = "zh") -> str:
        """Why the plugin or pack was skipped, in ``lang`` (``"zh"`` or ``"en"``)."""
        return self.text.get(lang) if self.text is not None else self.message


#: what a plugin was doing when it failed, in Chinese: a :class:`PluginError`'s ``stage``
_STAGE_ZH: Final = {
    "import": "导入插件时出错",
    "register": "注册插件时出错",
    "packs": "插件提供规则包时出错",
    "extends": "插件声明所扩展的规则包时出错",
}


def _failure(stage: str, exc: BaseException) -> Text:
    """A plugin's exception as a reason: a Chinese lead, the exception itself kept as written."""
    detail = f"{type(exc).__name__}: {exc}"
    return Text(zh=f"{_STAGE_ZH[stage]}（{detail}）", en=detail)


def make_plugin_manager() -> pluggy.PluginManager:
    """A fresh plugin manager with the ``pairing_rules_`` hook specifications."""
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(_hookspecs)
    return pm


def autoload_enabled() -> bool:
    """Whether entry points are loaded (off when ``PAIRING_RULES_DISABLE_PLUGIN_AUTOLOAD`` is set)."""
    return os.environ.get(AUTOLOAD_ENV, "").strip().lower() in ("", "0", "false", "no")


def parse_choices(text: str) -> dict[str, str]:
    """``ID=DISTRIBUTION[,ID=DISTRIBUTION…]`` as a mapping (malformed parts are ignored)."""
    out: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if sep and key.strip() and value.strip():
            out[key.strip()] = value.strip()
    return out


@dataclass
class _Plugin:
    """A registered plugin, who it is, and (once asked) what it offers."""

    obj: object
    origin: Origin
    entry_point: str | None
    packs: list[Pack] | None = None
    extends: frozenset[str] | None = None


class Registry:
    """The installed packs, found through a plugin manager of this registry's own.

    :param plugins: plugins to register directly (modules or objects with hook
        implementations), before any entry point.
    :param autoload: load the ``pairing_rules`` entry points; default: unless
        ``PAIRING_RULES_DISABLE_PLUGIN_AUTOLOAD`` is set.
    :param choose: for a pack id several distributions offer, the distribution (or,
        for a plugin registered directly, the plugin's name) to use; merged over
        ``PAIRING_RULES_PACK_DIST``.
    """

    def __init__(
        self,
        plugins: Iterable[object] = (),
        *,
        autoload: bool | None = None,
        choose: Mapping[str, str] | None = None,
    ) -> None:
        self.pm = make_plugin_manager()
        self.errors: list[PluginError] = []
        self.choose = {**parse_choices(os.environ.get(CHOOSE_ENV, "")), **(choose or {})}
        self._plugins: list[_Plugin] = []
        self._resolved: dict[str, Pack] = {}
        self._failed: dict[str, Exception] = {}
        self._listed = False
        self._lock = threading.RLock()
        for plugin in plugins:
            self.register(plugin)
        if autoload if autoload is not None else autoload_enabled():
            self._load_entry_points()

    # -- plugins ----------------------------------------------------------------------

    def register(
        self,
        plugin: object,
        name: str | None = None,
        *,
        origin: Origin | None = None,
        entry_point: str | None = None,
    ) -> bool:
        """Register ``plugin``; on failure record a :class:`PluginError` and return ``False``.

        :param entry_point: the name of the entry point it was loaded from: such a
            plugin provides only the pack of that id.
        """
        label = name or getattr(plugin, "__name__", None) or type(plugin).__name__
        origin = origin or Origin(plugin=label)
        with self._lock:
            if any(p.obj is plugin for p in self._plugins):
                self._plugins.append(_Plugin(plugin, origin, entry_point))
                return True
            try:
                self.pm.register(plugin, name=f"{label}#{len(self._plugins)}")
                self.pm.check_pending()
            except Exception as exc:
                if self.pm.is_registered(plugin):
                    self.pm.unregister(plugin)
                self._error(origin, "register", _failure("register", exc))
                return False
            self._plugins.append(_Plugin(plugin, origin, entry_point))
            self._resolved.clear()
            self._listed = False
            return True

    def _load_entry_points(self) -> None:
        points = metadata.entry_points(group=ENTRY_POINT_GROUP)
        for ep in sorted(points, key=lambda e: (e.name, _dist_name(e) or "")):
            dist = getattr(ep, "dist", None)
            origin = Origin(
                plugin=ep.name,
                distribution=getattr(dist, "name", None) if dist is not None else None,
                version=getattr(dist, "version", None) if dist is not None else None,
            )
            try:
                plugin = ep.load()
            except (Exception, SystemExit) as exc:
                self._error(origin, "import", _failure("import", exc))
                continue
            self.register(plugin, name=ep.name, origin=origin, entry_point=ep.name)

    def _error(self, origin: Origin, stage: str, reason: Text, pack: str | None = None) -> None:
        error = PluginError(
            origin.plugin, stage, reason.en, origin.distribution, origin.version, pack, reason
        )
        if error not in self.errors:
            self.errors.append(error)

    def _offered(self, plugin: _Plugin) -> list[Pack]:
        """The packs ``plugin`` offers (its ``pairing_rules_packs`` hook, called once)."""
        if plugin.packs is not None:
            return plugin.packs
        plugin.packs = []
        function = getattr(plugin.obj, "pairing_rules_packs", None)
        if function is None or not self._is_hookimpl(plugin.obj, "pairing_rules_packs"):
            return plugin.packs
        try:
            provided: Any = function()
            if provided is None:
                return plugin.packs
            items = [provided] if isinstance(provided, Pack) else list(provided)
            for pack in items:
                if not isinstance(pack, Pack):
                    raise TypeError(f"expected Pack objects, got {type(pack).__name__}")
        except PackError as exc:
            self._error(plugin.origin, "load", exc.text, plugin.entry_point)
            self._failed.setdefault(plugin.entry_point or plugin.origin.plugin, exc)
            return plugin.packs
        except Exception as exc:
            self._error(plugin.origin, "packs", _failure("packs", exc))
            return plugin.packs
        plugin.packs = items
        return plugin.packs

    def _extends(self, plugin: _Plugin) -> frozenset[str]:
        """The pack ids ``plugin`` declares it extends (its ``pairing_rules_extends`` hook)."""
        if plugin.extends is not None:
            return plugin.extends
        plugin.extends = frozenset()
        if not self._is_hookimpl(plugin.obj, "pairing_rules_extends"):
            return plugin.extends
        try:
            ids = plugin.obj.pairing_rules_extends()  # type: ignore[attr-defined]
            plugin.extends = frozenset(str(i) for i in (ids or ()))
        except Exception as exc:
            self._error(plugin.origin, "extends", _failure("extends", exc))
        return plugin.extends

    def _is_hookimpl(self, plugin: object, name: str) -> bool:
        caller = getattr(self.pm.hook, name, None)
        if caller is None:
            return False
        return any(impl.plugin is plugin for impl in caller.get_hookimpls())

    # -- packs ------------------------------------------------------------------------

    def _candidates(self, pack_id: str) -> list[tuple[_Plugin, Pack]]:
        out = []
        for plugin in self._plugins:
            if plugin.entry_point is not None and plugin.entry_point != pack_id:
                continue
            for pack in self._offered(plugin):
                if pack.id == pack_id:
                    out.append((plugin, pack))
                    break
        return out

    def _resolve(self, pack_id: str) -> Pack | None:
        if pack_id in self._resolved:
            return self._resolved[pack_id]
        candidates = self._candidates(pack_id)
        by_origin: dict[tuple[str | None, str], tuple[_Plugin, Pack]] = {}
        for plugin, pack in candidates:
            key = (plugin.origin.distribution, plugin.origin.plugin)
            by_origin.setdefault(key if key[0] is None else (key[0], ""), (plugin, pack))
        if not by_origin:
            return None
        chosen = list(by_origin.values())
        if len(chosen) > 1:
            wanted = self.choose.get(pack_id)
            # no choice made chooses nothing (not the plugins without a distribution)
            picked = [
                c
                for c in chosen
                if wanted is not None and wanted in (c[0].origin.distribution, c[0].origin.plugin)
            ]
            if len(picked) != 1:
                origins = [c[0].origin for c in chosen]
                error = PackConflictError(pack_id, origins)
                for origin in origins:
                    self._error(origin, "conflict", error.text, pack_id)
                self._failed[pack_id] = error
                return None
            chosen = picked
        plugin, pack = chosen[0]
        extensions = [
            (p.obj, p.origin)
            for p in self._plugins
            if p.obj is not plugin.obj and pack_id in self._extends(p)
        ]
        provided = pack.provided(plugin.origin, plugin.obj, extensions)
        self._resolved[pack_id] = provided
        return provided

    def _list(self) -> None:
        if self._listed:
            return
        ids: list[str] = []
        for plugin in self._plugins:
            for pack in self._offered(plugin):
                if plugin.entry_point is not None and pack.id != plugin.entry_point:
                    self._error(
                        plugin.origin,
                        "name",
                        Text(
                            zh=f"在入口 {plugin.entry_point} 下提供了规则包 {pack.id}；"
                            f"规则包须在以其编号命名的入口下提供",
                            en=f"offers pack {pack.id} under entry point {plugin.entry_point}; "
                            f"a pack is provided under an entry point named after its id",
                        ),
                        pack.id,
                    )
                    continue
                ids.append(pack.id)
        for pack_id in dict.fromkeys(ids):
            self._resolve(pack_id)
        self._listed = True

    @property
    def packs(self) -> dict[str, Pack]:
        """The valid packs by id (loaded on first use)."""
        with self._lock:
            self._list()
            return dict(sorted(self._resolved.items()))

    def list_packs(self) -> list[Pack]:
        """Every valid pack, sorted by id."""
        return list(self.packs.values())

    def get_pack(self, pack_id: str) -> Pack:
        """The pack ``pack_id``, with the plugins that extend it.

        :param pack_id: the pack's id (``cangnan2022``), or its id pinned to a version:
            ``cangnan2022==2.0.0`` (or ``cangnan2022@2.0.0``, as a result's ``pack`` reads).
        :raises UnknownPackError: when no plugin offers a pack with that id.
        :raises PackVersionError: when the installed pack is not the version pinned.
        :raises PackLoadError: when the pack is installed but failed to load.
        :raises PackConflictError: when several distributions offer it and none is chosen.
        """
        given: object = pack_id
        if not isinstance(given, str):
            from ._errors import ArgumentTypeError

            raise ArgumentTypeError(
                "pack_id", Text(zh="规则包编号（文字）", en="a pack id (str)"), given
            )
        pack_id, wanted = split_pin(pack_id)
        with self._lock:
            pack = self._resolve(pack_id)
            if pack is not None:
                if wanted is not None and pack.version != wanted:
                    raise PackVersionError(pack_id, wanted, pack.version)
                return pack
            failure = self._failed.get(pack_id)
            if isinstance(failure, PackConflictError):
                raise failure
            if failure is not None:
                errors = [e for e in self.errors if e.plugin == pack_id or e.pack == pack_id]
                raise PackLoadError(
                    pack_id, errors, failure if isinstance(failure, PackError) else None
                )
            self._list()
            known = sorted(self._resolved)
        raise UnknownPackError(pack_id, known)


def _dist_name(ep: metadata.EntryPoint) -> str | None:
    dist = getattr(ep, "dist", None)
    return getattr(dist, "name", None) if dist is not None else None


_default: Registry | None = None
_default_lock = threading.Lock()


def default_registry() -> Registry:
    """The process-wide registry of installed packs, created on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Registry()
        return _default


def use_registry(registry: Registry) -> None:
    """Make ``registry`` the process-wide registry (the command line's ``--pack-dist`` does)."""
    global _default
    with _default_lock:
        _default = registry


def list_packs(registry: Registry | None = None) -> list[Pack]:
    """Every installed, valid pack, sorted by id.

    :param registry: the registry to ask (default: the installed packs).
    """
    return (registry or default_registry()).list_packs()


def get_pack(pack_id: str, registry: Registry | None = None) -> Pack:
    """The installed pack ``pack_id``.

    :param pack_id: the pack's id (``cangnan2022``), or its id pinned to an exact version:
        ``cangnan2022==2.0.0`` (``cangnan2022@2.0.0``, as a result's ``pack`` reads, is the
        same pin).  A pinned pack whose installed version differs is refused.
    :param registry: the registry to ask (default: the installed packs).
    :raises UnknownPackError: when it is not installed.
    :raises PackVersionError: when the installed version is not the one pinned.
    :raises PackLoadError: when it is installed but failed to load (with its errors).
    :raises PackConflictError: when several distributions offer it and none is chosen.
    """
    return (registry or default_registry()).get_pack(pack_id)


def plugin_errors(registry: Registry | None = None) -> list[PluginError]:
    """The plugins and packs that were skipped, and why."""
    reg = registry or default_registry()
    _ = reg.packs  # loading the packs records their errors
    return list(reg.errors)
