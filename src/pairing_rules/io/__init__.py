"""Reading records from files and writing reports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._location import Location
from ._errors import InputError

if TYPE_CHECKING:
    from ._readers import Entry, RecordStream, open_records, read_dataset

__all__ = ["Entry", "InputError", "Location", "RecordStream", "open_records", "read_dataset"]


def __getattr__(name: str) -> Any:
    # the readers import the record models, which import this package's errors: load them late
    if name in ("Entry", "RecordStream", "open_records", "read_dataset"):
        from . import _readers

        return getattr(_readers, name)
    raise AttributeError(name)
