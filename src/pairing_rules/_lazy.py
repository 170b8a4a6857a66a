"""A module imported on first attribute access (for annotations that name an optional library).

Modules of the table path annotate with ``pl.DataFrame`` but import Polars (the
``scale`` extra) only when they run: at run time ``pl`` is a :class:`LazyModule`,
so that ``typing.get_type_hints`` resolves their annotations (importing Polars
then) while ``import pairing_rules`` never does.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands for the module ``name`` and imports it when an attribute is first read.

    :param name: the module's full name (``polars``).
    """

    __slots__ = ("_module", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"
