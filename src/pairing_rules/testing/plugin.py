"""pytest plugin (entry point ``pytest11``): fixtures for pack authors.

Kept light: it imports nothing of the library until a fixture is used.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .._pack import Pack
    from .._registry import Registry


@pytest.fixture
def pairing_registry() -> Registry:
    """A fresh registry of the installed packs (no state shared with other tests)."""
    from .._registry import Registry

    return Registry()


@pytest.fixture
def load_pack_file() -> Callable[[str | Path], Pack]:
    """Load a pack file that is not installed: ``load_pack_file("path/pack.yaml")``."""
    from .._pack import load_pack

    return load_pack
