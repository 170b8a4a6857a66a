"""The plan's names: its cities (附件1), scopes (四(一)) and counties (附件2, 附件3).

Also the record type :class:`ZhejiangPair`, which reads a pair with these names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pydantic import field_validator

from pairing_rules import (
    Fact,
    Pack,
    PackError,
    Pair,
    Scope,
    Text,
    normalize_quote,
)
from pairing_rules._enums import VocabularyEnum

#: the eleven cities of 附件1, in its order, as it writes them (without 市)
CITIES: Final = (
    "杭州",
    "宁波",
    "温州",
    "嘉兴",
    "湖州",
    "绍兴",
    "金华",
    "衢州",
    "舟山",
    "台州",
    "丽水",
)
NO_PUPILS: Final = "zhejiang2019.no_pupil_schools"
INPUT_SCOPE: Final = "zhejiang2019.input_scope"
#: 附件3's name for the schools a city runs itself (湖州 and 衢州 both have one)
CITY_LEVEL: Final = "市本级"


def city_key(value: str) -> str:
    """The 附件1 spelling of a city: ``杭州市`` → ``杭州``; any other name unchanged.

    >>> city_key("杭州市"), city_key("杭州"), city_key("上海市")
    ('杭州', '杭州', '上海市')
    """
    name = "".join(value.split())
    if name.endswith("市") and name[:-1] in CITIES:
        return name[:-1]
    return name


def strip_city(value: str) -> str:
    """A county name without its city prefix: ``衢州市柯城区`` → ``柯城区``, ``湖州市本级`` → ``市本级``.

    >>> strip_city("衢州市柯城区"), strip_city(" 柯城区"), strip_city("湖州市本级")
    ('柯城区', '柯城区', '市本级')
    """
    name = "".join(value.split())
    for city in CITIES:
        prefix = f"{city}市"
        if name.startswith(prefix) and len(name) > len(prefix):
            rest = name[len(prefix) :]
            return CITY_LEVEL if rest == "本级" else rest
    return name


class PlanScope(VocabularyEnum):
    """The three scopes of 四(一) (``跨地区`` is not a scope of this plan).

    Input accepts what the core :class:`~pairing_rules.Scope` accepts for these three.
    """

    COUNTY = "县域内"
    CITY = "市域内"
    PROVINCE = "省域内"

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        try:
            core = Scope(value)
        except ValueError:
            return None
        return next((m for m in cls if m.value == core.value), None)

    @property
    def label(self) -> Text:
        return Scope(self.value).label

    @classmethod
    def accepted(cls) -> list[str]:
        return [a for a in Scope.accepted() if cls._missing_(a) is not None]


class ZhejiangPair(Pair):
    """A :class:`~pairing_rules.Pair` as this plan reads it (same fields, same meaning).

    ``city``, ``supporter_city`` and ``supported_city`` take the 附件1 spelling
    (``杭州市`` and ``杭州`` are the same row); ``scope`` is one of the three
    scopes of 四(一); the core record already reads 附件7's ``远程传递课堂`` and
    counts each form once.
    """

    scope: PlanScope | None = Pair.model_fields["scope"]  # type: ignore[assignment]

    @field_validator("city", "supporter_city", "supported_city", mode="before")
    @classmethod
    def _city(cls, value: Any) -> Any:
        if isinstance(value, str):
            return city_key(value) or None
        return value


RECORD_TYPES: Final = {"pairs": ZhejiangPair}


def _provision(pack: Pack, provision_id: str) -> Fact:
    for fact in pack.definition.provisions:
        if fact.id == provision_id:
            return fact
    raise PackError(f"pack {pack.id}: provision {provision_id} is missing")


def _key(name: str | None) -> str:
    return normalize_quote(name or "")


# ------------------------------------------------------------------------------ county names


def county_aliases(pack: Pack) -> dict[str, str]:
    """Other spellings of a county and the name it is matched under (附件3's, or today's)."""
    out: dict[str, str] = {}
    for row in pack.table("county_names").rows:
        out[strip_city(str(row["name"]))] = str(row["current"])
    for row in pack.table("small_scale_schools").rows:
        if row["also_written"]:
            out[strip_city(str(row["also_written"]))] = str(row["county"])
    return out


def county_key(name: str, aliases: Mapping[str, str]) -> str:
    """A county name as the annexes are matched: city prefix removed, former names replaced."""
    bare = strip_city(name)
    return aliases.get(bare, bare)


def annex_counties(pack: Pack) -> dict[str, str]:
    """Every county named in 附件2 or 附件3 (matched names, 市本级 left out), with its city."""
    aliases = county_aliases(pack)
    out: dict[str, str] = {}
    for row in pack.table("small_scale_schools").rows:
        if row["county"] and row["county"] != CITY_LEVEL:
            out.setdefault(county_key(str(row["county"]), aliases), str(row["city_key"]))
    for row in pack.table("counterpart_support").rows:
        out.setdefault(county_key(str(row["county"]), aliases), str(row["city"]))
        names = str(row["supporters"]).split("、")
        cities = str(row["supporter_cities"]).split("、")
        for supporter, city in zip(names, cities, strict=True):
            key = county_key(supporter, aliases)
            if key != CITY_LEVEL:
                out.setdefault(key, city)
    return out
