"""Rule pack ``zhejiang2019``: “互联网+义务教育”1000所中小学校结对帮扶民生实事工作方案.

The pack is data (``pack.yaml`` beside the document's text ``document.txt`` and
the tables of 附件2 and 附件3 under ``tables/``).  This module registers it and
adds what the data cannot express:

* :class:`ZhejiangPair`, the core :class:`~pairing_rules.Pair` read with the
  附件1 spelling of cities (``杭州市`` is the row ``杭州``) and the three scopes of
  四(一) (``跨地区`` is not one of them);
* the audits: the cities with counterpart-support duties (四(一)3 against the
  supporters of 附件2), the supporters of 附件2 in the same city as the county
  they support, its former names, the scope shares of 四(一) that add up to more
  than 100%, and the cities whose small-scale schools cannot be paired one to
  one within their floor;
* the checks on a pair list: one-to-one (六(四)1), the four contents of an
  agreement, each pair's scope against where its two schools are, county names
  against 附件2 and 附件3, the full coverage of 附件3's small-scale schools county
  by county, cities that are not in 附件1, and (for the province's list) every
  county of the annexes taking part.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from pairing_rules import AuditFinding, Choices, Dataset, Finding, Pack, Pair, hookimpl, load_pack

from ._audit import (
    audit_pack,
    cross_city_supporters,
    duty_cities_mismatch,
    floors_short_of_coverage,
    former_names,
    same_city_supporters,
    share_sums,
)
from ._checks import (
    agreement_contents,
    agreement_items,
    check_pairs,
    counties_taking_part,
    one_to_one,
    scope_locations,
    small_scale_coverage,
    unknown_cities,
    unknown_counties,
)
from ._names import (
    CITIES,
    INPUT_SCOPE,
    NO_PUPILS,
    RECORD_TYPES,
    PlanScope,
    ZhejiangPair,
    annex_counties,
    city_key,
    county_aliases,
    county_key,
    strip_city,
)

PACK_ID: Final = "zhejiang2019"
PACK_FILE: Final = Path(__file__).with_name("pack.yaml")


def load() -> Pack:
    """Load the pack from its file (a fresh object each call)."""
    return load_pack(PACK_FILE)


@hookimpl
def pairing_rules_packs() -> Sequence[Pack]:
    return [load()]


@hookimpl
def pairing_rules_audit(pack: Pack, choices: Choices) -> Sequence[AuditFinding] | None:
    return audit_pack(pack, choices)


@hookimpl
def pairing_rules_check(
    pack: Pack, dataset: Dataset, choices: Choices, context: Mapping[str, Any]
) -> Sequence[Finding] | None:
    pairs = [p for p in dataset.records("pairs") if isinstance(p, Pair)]
    return check_pairs(pack, pairs, choices)


__all__ = [
    "CITIES",
    "INPUT_SCOPE",
    "NO_PUPILS",
    "PACK_FILE",
    "PACK_ID",
    "RECORD_TYPES",
    "PlanScope",
    "ZhejiangPair",
    "agreement_contents",
    "agreement_items",
    "annex_counties",
    "city_key",
    "counties_taking_part",
    "county_aliases",
    "county_key",
    "cross_city_supporters",
    "duty_cities_mismatch",
    "floors_short_of_coverage",
    "former_names",
    "load",
    "one_to_one",
    "same_city_supporters",
    "scope_locations",
    "share_sums",
    "small_scale_coverage",
    "strip_city",
    "unknown_cities",
    "unknown_counties",
]
