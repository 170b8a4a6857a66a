"""Rule pack ``zhejiang2021``: 浙教办函〔2021〕53号, the 1500-community livelihood project.

The pack is data (``pack.yaml`` beside the document's text ``document.txt``
and the transcribed table of 附件1 in ``tables/``); this module only
registers it.  The formula audit of 附件1, the printed subtotals, the city
floors and the verification standard are all expressed in the pack file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

from pairing_rules import Pack, hookimpl, load_pack

PACK_ID: Final = "zhejiang2021"
PACK_FILE: Final = Path(__file__).with_name("pack.yaml")


def load() -> Pack:
    """Load the pack from its file (a fresh object each call)."""
    return load_pack(PACK_FILE)


@hookimpl
def pairing_rules_packs() -> Sequence[Pack]:
    return [load()]


__all__ = ["PACK_FILE", "PACK_ID", "load"]
