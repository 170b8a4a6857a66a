"""The JSON contract: the version every result carries, and the JSON numbers it writes.

The JSON of a result is exactly ``model_dump(mode="json")`` of its public model
(:class:`~pairing_rules.ScoreReport`, :class:`~pairing_rules.CheckReport` …), and
``model_validate`` reads it back.  :data:`CONTRACT_VERSION` follows semantic
versioning: a minor version adds keys (never removes, renames or changes the
meaning of one), a major version may change them (see the stability policy).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Final

from pydantic import PlainSerializer

from ._numbers import json_number

#: the version of the JSON contract of results (``contract`` in every result):
#: 1.0 is the contract as first published, 1.1 adds ``contract``, error ``code`` and
#: ``notices`` in score and check results, and the quota table's keys and provenance
CONTRACT_VERSION: Final = "1.1"

#: an exact decimal written as a JSON number (an integer where it is whole)
JsonNumber = Annotated[
    Decimal, PlainSerializer(json_number, return_type=int | float, when_used="json")
]
