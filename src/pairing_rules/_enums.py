"""Enumerations of the shared vocabulary, with Chinese values and English names.

The value of each member is the Chinese term a document or a county list uses
(the JSON contract speaks Chinese); the member name is the English identifier.
Input accepts the Chinese term, the English name in any case, the English label
(``within the county``), and the variant spellings real lists contain (e.g. 融合性
for 融合型); anything else is an error that lists what is accepted.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Final

from ._i18n import Text

_ALIASES: Final[dict[str, dict[str, str]]] = {}
_ENGLISH: Final[dict[str, dict[str, str]]] = {}


class VocabularyEnum(StrEnum):
    """Base for the vocabulary enums: Chinese value, English name, aliases."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        key = value.strip()
        for member in cls:
            if key in (member.value, member.name) or key.upper() == member.name:
                return member
        aliases = _ALIASES.get(cls.__name__, {})
        target = aliases.get(key) or aliases.get(key.lower())
        if target is not None:
            return cls(target)
        english = _ENGLISH.get(cls.__name__, {})
        for member in cls:
            if key.lower() == english.get(member.name, member.name.lower()).lower():
                return member
        return None

    @property
    def label(self) -> Text:
        """The Chinese term and its English rendering."""
        english = _ENGLISH.get(type(self).__name__, {})
        return Text(zh=self.value, en=english.get(self.name, self.name.lower()))

    @classmethod
    def accepted(cls) -> list[str]:
        """Every spelling accepted on input: values, names, aliases and English labels."""
        return (
            [m.value for m in cls]
            + [m.name for m in cls]
            + list(_ALIASES.get(cls.__name__, {}))
            + [m.label.en for m in cls if m.label.en not in (m.name, m.name.lower())]
        )


class CommunityType(VocabularyEnum):
    """教育共同体类型: the three community models."""

    FUSION = "融合型"
    CO_BUILD = "共建型"
    COLLABORATION = "协作型"


_ALIASES["CommunityType"] = {
    "融合性": "融合型",
    "共建性": "共建型",
    "协作性": "协作型",
    "co-build": "共建型",
    "cobuild": "共建型",
}
_ENGLISH["CommunityType"] = {
    "FUSION": "fusion",
    "CO_BUILD": "co-build",
    "COLLABORATION": "collaboration",
}


class Scope(VocabularyEnum):
    """结对范围: where the two sides of a pair or community are."""

    COUNTY = "县域内"
    CITY = "市域内"
    PROVINCE = "省域内"
    CROSS_REGION = "跨地区"


_ALIASES["Scope"] = {"县域": "县域内", "市域": "市域内", "省域": "省域内", "跨区域": "跨地区"}
_ENGLISH["Scope"] = {
    "COUNTY": "within the county",
    "CITY": "within the city",
    "PROVINCE": "within the province",
    "CROSS_REGION": "cross-region",
}


class Stage(VocabularyEnum):
    """学段: the school's stage."""

    KINDERGARTEN = "幼儿园"
    PRIMARY = "小学"
    JUNIOR = "初中"
    NINE_YEAR = "九年一贯制"
    SENIOR = "高中"
    SPECIAL = "特殊教育"
    SECONDARY = "完全中学"
    TWELVE_YEAR = "十二年一贯制"


_ALIASES["Stage"] = {"初级中学": "初中", "高级中学": "高中", "九年一贯制学校": "九年一贯制"}
_ENGLISH["Stage"] = {
    "KINDERGARTEN": "kindergarten",
    "PRIMARY": "primary",
    "JUNIOR": "junior high",
    "NINE_YEAR": "nine-year school",
    "SENIOR": "senior high",
    "SPECIAL": "special education",
    "SECONDARY": "complete secondary",
    "TWELVE_YEAR": "twelve-year school",
}


class Locale(VocabularyEnum):
    """学校城乡类型, the national statistics definitions (城区 / 镇区 / 乡村)."""

    URBAN = "城区"
    TOWN = "镇区"
    RURAL = "乡村"


_ALIASES["Locale"] = {"城市": "城区", "城镇": "镇区", "农村": "乡村"}
_ENGLISH["Locale"] = {"URBAN": "urban", "TOWN": "town", "RURAL": "rural"}


class VerificationLevel(VocabularyEnum):
    """核验层级: who verifies the community."""

    COUNTY = "县核验"
    CITY = "市核验"
    PROVINCE = "省核验"


_ALIASES["VerificationLevel"] = {}
_ENGLISH["VerificationLevel"] = {
    "COUNTY": "county-verified",
    "CITY": "city-verified",
    "PROVINCE": "province-verified",
}


class AssistanceForm(VocabularyEnum):
    """帮扶形式: the four forms of the 2019 Zhejiang plan."""

    SYNC_CLASSROOM = "城乡同步课堂"
    REMOTE_CLASSROOM = "远程专递课堂"
    ONLINE_RESEARCH = "教师网络研修"
    MASTER_CLASSROOM = "名师网络课堂"


_ALIASES["AssistanceForm"] = {
    "同步课堂": "城乡同步课堂",
    "专递课堂": "远程专递课堂",
    "远程传递课堂": "远程专递课堂",  # the spelling of 附件7 of the 2019 Zhejiang plan
    "网络研修": "教师网络研修",
}
_ENGLISH["AssistanceForm"] = {
    "SYNC_CLASSROOM": "synchronous classroom",
    "REMOTE_CLASSROOM": "remote dedicated classroom",
    "ONLINE_RESEARCH": "online teacher research",
    "MASTER_CLASSROOM": "master-teacher online classroom",
}
