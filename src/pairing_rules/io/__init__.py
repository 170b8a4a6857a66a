"""Reading records from files and writing reports."""

from __future__ import annotations

from ._errors import InputError

__all__ = ["InputError"]
