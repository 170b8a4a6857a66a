"""Errors caused by a user's input (defined in the core, below the dataset, and re-exported here)."""

from __future__ import annotations

from .._errors import InputError

__all__ = ["InputError"]
