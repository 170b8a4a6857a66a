"""The plugin registry: packs are found through pluggy and the entry-point group ``pairing_rules``.

Every :class:`Registry` has a plugin manager of its own, so tests and
embedding applications never share state.  A plugin that fails to import,
fails validation, or provides an invalid pack is recorded in
:attr:`Registry.errors` and skipped; the other packs are still listed.  Set
``PAIRING_RULES_DISABLE_PLUGIN_AUTOLOAD=1`` to load no entry points.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Final

import pluggy

from . import _hookspecs
from ._hookspecs import PROJECT
from ._i18n import Text
from ._pack import Pack

ENTRY_POINT_GROUP: Final = "pairing_rules"
AUTOLOAD_ENV: Final = "PAIRING_RULES_DISABLE_PLUGIN_AUTOLOAD"


class UnknownPackError(LookupError):
    """No installed pack has the requested id."""

    def __init__(self, pack_id: str, known: Sequence[str]) -> None:
        names = ", ".join(known) or "(none)"
        self.text = Text(
            zh=f"没有名为 {pack_id} 的规则包；已安装：{'、'.join(known) or '（无）'}",
            en=f"no pack named {pack_id}; installed: {names}",
        )
        super().__init__(f"{self.text.zh} / {self.text.en}")
        self.pack_id = pack_id


@dataclass(frozen=True)
class PluginError:
    """A plugin or pack that was skipped, and why.

    :param plugin: the plugin's name (the entry point's name where there is one).
    :param stage: ``import``, ``register``, ``packs`` (its hook raised or returned
        something invalid) or ``duplicate`` (a pack id already taken).
    """

    plugin: str
    stage: str
    message: str


def make_plugin_manager() -> pluggy.PluginManager:
    """A fresh plugin manager with the ``pairing_rules_`` hook specifications."""
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(_hookspecs)
    return pm


def autoload_enabled() -> bool:
    """Whether entry points are loaded (off when ``PAIRING_RULES_DISABLE_PLUGIN_AUTOLOAD`` is set)."""
    return os.environ.get(AUTOLOAD_ENV, "").strip().lower() in ("", "0", "false", "no")


class Registry:
    """The installed packs, found through a plugin manager of this registry's own.

    :param plugins: plugins to register directly (modules or objects with hook
        implementations), before any entry point.
    :param autoload: load the ``pairing_rules`` entry points; default: unless
        ``PAIRING_RULES_DISABLE_PLUGIN_AUTOLOAD`` is set.
    """

    def __init__(self, plugins: Iterable[object] = (), *, autoload: bool | None = None) -> None:
        self.pm = make_plugin_manager()
        self.errors: list[PluginError] = []
        self._packs: dict[str, Pack] | None = None
        self._single: dict[str, Pack] = {}
        self._lock = threading.Lock()
        for plugin in plugins:
            self.register(plugin)
        if autoload if autoload is not None else autoload_enabled():
            self._load_entry_points()

    def register(self, plugin: object, name: str | None = None) -> bool:
        """Register ``plugin``; on failure record a :class:`PluginError` and return ``False``."""
        label = name or getattr(plugin, "__name__", None) or repr(plugin)
        try:
            self.pm.register(plugin, name=name)
            self.pm.check_pending()
        except Exception as exc:
            if self.pm.is_registered(plugin):
                self.pm.unregister(plugin)
            self.errors.append(PluginError(label, "register", f"{type(exc).__name__}: {exc}"))
            return False
        self._packs = None
        return True

    def _load_entry_points(self) -> None:
        for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if self.pm.has_plugin(ep.name):
                continue
            try:
                plugin = ep.load()
            except Exception as exc:
                self.errors.append(PluginError(ep.name, "import", f"{type(exc).__name__}: {exc}"))
                continue
            self.register(plugin, name=ep.name)

    def _collect(self) -> dict[str, Pack]:
        packs: dict[str, Pack] = {}
        for impl in self.pm.hook.pairing_rules_packs.get_hookimpls():
            name = impl.plugin_name
            try:
                provided: Any = impl.function()
                if provided is None:
                    continue
                if isinstance(provided, Pack):
                    provided = [provided]
                items = list(provided)
                for pack in items:
                    if not isinstance(pack, Pack):
                        raise TypeError(f"expected Pack objects, got {type(pack).__name__}")
            except Exception as exc:
                self.errors.append(PluginError(name, "packs", f"{type(exc).__name__}: {exc}"))
                continue
            for pack in items:
                pack = self._single.get(pack.id, pack)  # keep a pack already handed out
                if pack.id in packs:
                    self.errors.append(
                        PluginError(name, "duplicate", f"pack id {pack.id} is already provided")
                    )
                    continue
                pack._hook = self.pm.hook
                packs[pack.id] = pack
        return dict(sorted(packs.items()))

    @property
    def packs(self) -> dict[str, Pack]:
        """The valid packs by id (loaded on first use)."""
        with self._lock:
            if self._packs is None:
                self._packs = self._collect()
            return self._packs

    def list_packs(self) -> list[Pack]:
        """Every valid pack, sorted by id."""
        return list(self.packs.values())

    def get_pack(self, pack_id: str) -> Pack:
        """The pack ``pack_id``.

        A plugin registered under the pack's own id (the usual entry point
        ``cangnan2022 = "pairing_rules_cangnan2022"``) is asked first, so that
        one pack loads without loading every other; otherwise every pack is loaded.

        :raises UnknownPackError: when no valid pack has that id.
        """
        with self._lock:
            if self._packs is None:
                single = self._single.get(pack_id) or self._load_single(pack_id)
                if single is not None:
                    return single
        try:
            return self.packs[pack_id]
        except KeyError:
            raise UnknownPackError(pack_id, list(self.packs)) from None

    def _load_single(self, pack_id: str) -> Pack | None:
        for impl in self.pm.hook.pairing_rules_packs.get_hookimpls():
            if impl.plugin_name != pack_id:
                continue
            try:
                provided: Any = impl.function()
            except Exception:
                return None  # the full load records the error
            items = [provided] if isinstance(provided, Pack) else list(provided or ())
            for pack in items:
                if isinstance(pack, Pack) and pack.id == pack_id:
                    pack._hook = self.pm.hook
                    self._single[pack_id] = pack
                    return pack
        return None


_default: Registry | None = None
_default_lock = threading.Lock()


def default_registry() -> Registry:
    """The process-wide registry of installed packs, created on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Registry()
        return _default


def list_packs(registry: Registry | None = None) -> list[Pack]:
    """Every installed, valid pack, sorted by id.

    :param registry: the registry to ask (default: the installed packs).
    """
    return (registry or default_registry()).list_packs()


def get_pack(pack_id: str, registry: Registry | None = None) -> Pack:
    """The installed pack ``pack_id``.

    :raises UnknownPackError: when it is not installed or is invalid.
    """
    return (registry or default_registry()).get_pack(pack_id)


def plugin_errors(registry: Registry | None = None) -> list[PluginError]:
    """The plugins and packs that were skipped, and why."""
    reg = registry or default_registry()
    _ = reg.packs  # loading the packs records their errors
    return list(reg.errors)
