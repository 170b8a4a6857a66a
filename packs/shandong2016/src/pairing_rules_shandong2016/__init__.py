"""Rule pack ``shandong2016``: 山东省教育厅关于开展中小学校结对帮扶工作的通知 (鲁教基函〔2016〕7号).

The pack is data (``pack.yaml`` beside the document's text ``document.txt``
and the 附件 list in ``tables/``); this module registers it with its own
record types :class:`HezeAssignment` (collection ``heze_assignments``) and
:class:`KeyVillageSchool` (collection ``key_village_schools``) and adds
what the data cannot express:

- ``pairing_rules_check``: the one-to-one rule for key-village schools, the
  pair shapes, the key-village pairing rate by city, and the Heze programme,
  whose pairs and assignments are checked together against the list and the
  cities of 二(二) (``_checks``);
- ``pairing_rules_audit``: the 附件 school whose name and stage disagree, and
  the junior-high schools that outnumber the cities designating a supporter
  (``_audit``).

A pair says which programme it belongs to by its ``scope``: 县域内 or 市域内
for 城乡义务教育学校结对帮扶, 省域内 for 支持菏泽教育发展结对帮扶.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from pairing_rules import (
    AuditFinding,
    Choices,
    Dataset,
    Finding,
    Pack,
    Record,
    hookimpl,
    load_pack,
)

from ._audit import audit_pack
from ._checks import check_dataset
from ._models import HezeAssignment, KeyVillageSchool

PACK_ID: Final = "shandong2016"
PACK_FILE: Final = Path(__file__).with_name("pack.yaml")
RECORD_TYPES: Final[dict[str, type[Record]]] = {
    HezeAssignment.COLLECTION: HezeAssignment,
    KeyVillageSchool.COLLECTION: KeyVillageSchool,
}


def load() -> Pack:
    """Load the pack from its file (a fresh object each call)."""
    return load_pack(PACK_FILE)


@hookimpl
def pairing_rules_packs() -> Sequence[Pack]:
    return [load()]


@hookimpl
def pairing_rules_audit(pack: Pack, choices: Choices) -> Sequence[AuditFinding] | None:
    return audit_pack(pack)


@hookimpl
def pairing_rules_check(
    pack: Pack, dataset: Dataset, choices: Choices, context: Mapping[str, Any]
) -> Sequence[Finding] | None:
    return check_dataset(pack, dataset, choices)


__all__ = ["PACK_FILE", "PACK_ID", "RECORD_TYPES", "HezeAssignment", "KeyVillageSchool", "load"]
