"""Rule pack ``cangnan2022``: 2022年苍南县义务教育阶段教育共同体结对帮扶工作实施方案.

The pack is data (``pack.yaml`` beside the document's text ``document.txt``);
this module registers it and adds the one audit the data cannot express: the
schools that section 三 says are counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Final

from pairing_rules import AuditFinding, Choices, Pack, Source, Text, hookimpl, load_pack

PACK_ID: Final = "cangnan2022"
PACK_FILE: Final = Path(__file__).with_name("pack.yaml")


def load() -> Pack:
    """Load the pack from its file (a fresh object each call)."""
    return load_pack(PACK_FILE)


@hookimpl
def pairing_rules_packs() -> Sequence[Pack]:
    return [load()]


@hookimpl
def pairing_rules_audit(pack: Pack, choices: Choices) -> Sequence[AuditFinding] | None:
    return repeated_collaboration_schools(pack)


def repeated_collaboration_schools(pack: Pack) -> list[AuditFinding]:
    """Section 三 says 3 of the 13 collaboration schools are also in a fusion or co-build community.

    Recount from 附件1: the members of 协作型 rows that also appear as a core or
    member school of a 融合型 or 共建型 row.
    """
    table = pack.table("communities")
    stated = next(
        p for p in pack.definition.provisions if p.id == "coverage.collaboration_repeated"
    )
    county = {
        name
        for row in table.select({"type": ["融合型", "共建型"]})
        for name in (row["core"], row["member"])
    }
    repeated = sorted(
        {row["member"] for row in table.select({"type": ["协作型"]}) if row["member"] in county}
    )
    if len(repeated) == int(stated.value):
        return []
    return [
        AuditFinding(
            code="stated_figure",
            subject="list.collaboration_repeated",
            message=Text(
                zh=(
                    f"协作型学校中与融合型、共建型重复的学校：文件表述为 {stated.value} 所，"
                    f"按附件1 统计为 {len(repeated)} 所（{'、'.join(repeated)}）"
                ),
                en=(
                    f"collaboration schools also in fusion/co-build communities: the text states "
                    f"{stated.value}, 附件1 gives {len(repeated)} ({', '.join(repeated)})"
                ),
            ),
            observed=len(repeated),
            expected=int(Decimal(stated.value)),
            source=stated.source,
            related=[table.source],
        )
    ]


__all__ = ["PACK_FILE", "PACK_ID", "load", "repeated_collaboration_schools"]
_SOURCE_TYPE: Final = Source
