"""What the pack's checks share: the programmes, the interpretations, names and findings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Final

from pairing_rules import (
    Choices,
    Finding,
    Pack,
    Pair,
    Rounding,
    Scope,
    Source,
    Stage,
    Status,
    Text,
    normalize_quote,
    round_to,
)

URBAN_RURAL: Final = frozenset({Scope.COUNTY, Scope.CITY})
HEZE: Final = frozenset({Scope.PROVINCE})

ONE_TO_MANY: Final = "shandong2016.one_to_many"
CITY_SUPPLY: Final = "shandong2016.heze_city_supply"
STAGE_MATCH: Final = "shandong2016.heze_stage_match"

#: under ``covers_stage``: the supporter stages that may support a listed stage
_COVERS: Final[dict[Stage, frozenset[Stage]]] = {
    Stage.SENIOR: frozenset({Stage.SENIOR, Stage.SECONDARY, Stage.TWELVE_YEAR}),
    Stage.JUNIOR: frozenset({Stage.JUNIOR, Stage.SECONDARY, Stage.NINE_YEAR, Stage.TWELVE_YEAR}),
}

LABELS: Final[dict[str, Text]] = {
    "pairs.programme": Text(zh="结对所属工作", en="programme of the pair"),
    "ur.key_village_one_to_one": Text(
        zh="重点村学校“一对一”帮扶", en="key-village school paired one-to-one"
    ),
    "ur.pair_shape": Text(
        zh="结对形式为“一对一”或“一对多”", en="pairs are one-to-one or one-to-many"
    ),
    "heze.pair_school": Text(
        zh="被帮扶学校在菏泽名单中", en="supported school is on the Heze list"
    ),
    "heze.listed_school": Text(zh="被帮扶学校在菏泽名单中", en="Heze school is on the list"),
    "heze.stage": Text(zh="帮扶学校学段与名单学段一致", en="supporter's stage matches the list"),
    "heze.city": Text(zh="确定帮扶学校的市在文件所列之中", en="the designating city is named"),
    "heze.school_supporter": Text(
        zh="每所名单学校有 1 所帮扶学校", en="one supporter for each listed school"
    ),
    "heze.city_supply": Text(
        zh="所列各市各确定 1 所该学段帮扶学校", en="each named city designates one supporter"
    ),
    "ur.key_village_paired": Text(zh="重点村学校已结对", en="the key-village school is paired"),
    "ur.key_village_rate": Text(
        zh="省扶贫工作重点村中小学结对率达到 100%", en="every key-village school paired (100%)"
    ),
}
#: the first year of 一(一)'s key-village target ("2017年……结对率达到100%")
KEY_VILLAGE_YEAR: Final = 2017


def key(name: str) -> str:
    """A school name for comparison: without white space."""
    return normalize_quote(name)


def city_key(name: str) -> str:
    """A city name for comparison: without white space and a trailing 市."""
    return key(name).removesuffix("市")


def _provision_source(pack: Pack, provision_id: str) -> Source:
    for fact in pack.definition.provisions:
        if fact.id == provision_id:
            return fact.source
    raise KeyError(f"pack {pack.id} has no provision {provision_id!r}")


def _finding(
    requirement: str,
    status: Status,
    source: Source,
    message: Text,
    *,
    record: str | None = None,
    collection: str | None = None,
    group: str | None = None,
    observed: Any = None,
    expected: Any = None,
) -> Finding:
    """A finding; one about a record names it at the start of its message and is filed under it."""
    if record is not None:
        message = Text(zh=f"{record}：{message.zh}", en=f"{record}: {message.en}")
    return Finding(
        requirement=requirement,
        label=LABELS[requirement],
        status=status,
        record=record,
        collection=collection,
        group=group,
        observed=observed,
        expected=expected,
        source=source,
        message=message,
    )


def _year_label(year: int | None) -> str:
    return f"{year} 年度" if year is not None else "年度未填"


def _by_year(pairs: Iterable[Pair]) -> list[tuple[int | None, list[Pair]]]:
    groups: dict[int | None, list[Pair]] = defaultdict(list)
    for pair in pairs:
        groups[pair.year].append(pair)
    return sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or 0))


def format_percent(share: Decimal) -> str:
    """A share (0..1) as a percentage with one decimal place at most: ``0.5`` gives ``50%``."""
    pct = round_to(share * 100, Rounding.HALF_UP, 1)
    return f"{pct.normalize():f}%"


def _interp(choices: Choices, interpretation: str) -> Text:
    """The interpretation in force, as a message names it (its question and the reading)."""
    return choices.note(interpretation)
