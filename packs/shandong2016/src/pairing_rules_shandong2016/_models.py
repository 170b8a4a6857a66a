"""The pack's own record types.

- :class:`HezeAssignment`: a city's supporter for a school of the Heze list.
  Section 二(二) has 11 cities each designate a junior-high supporter and 9 of
  them a senior-high supporter for the 20 (in 附件: 21) Heze schools; ``check``
  holds the collection ``heze_assignments``, together with the Heze pairs, to
  the list.
- :class:`KeyVillageSchool`: a primary or secondary school of a provincial key
  poverty village (省扶贫工作重点村), the base of 一(一)'s "省扶贫工作重点村中小学结对率
  达到100%"; ``check`` counts it paired when an urban-rural pair supports it.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field

from pairing_rules import Identifier, Name, Record, Stage, Text, labelled_field


def _blank_is_none(value: Any) -> Any:
    if isinstance(value, str) and value.strip() == "":
        return None
    return value


class HezeAssignment(Record):
    """One supporter designated by a city for one school of the Heze list (附件).

    ``city`` is the city that designates the supporter, with or without 市
    (``济南`` and ``济南市`` are the same city); ``heze_school`` is a school
    name of 附件, compared without white space; ``supporter_stage`` is the
    supporting school's stage (``初中``, ``高中``, …), ``None`` when not reported.
    """

    COLLECTION: ClassVar[str] = "heze_assignments"
    NOUN: ClassVar[Text] = Text(zh="菏泽帮扶安排", en="Heze assignment")

    id: Identifier = labelled_field("编号", "id", ...)
    city: Name = labelled_field("确定帮扶学校的市", "city designating the supporter", ...)
    supporter: Name = labelled_field("帮扶学校", "supporting school", ...)
    heze_school: Name = labelled_field("菏泽被帮扶学校", "Heze school supported", ...)
    supporter_stage: Annotated[Stage | None, BeforeValidator(_blank_is_none)] = labelled_field(
        "帮扶学校学段", "supporting school's stage"
    )
    note: str | None = labelled_field("备注", "note")

    def display_name(self) -> str | None:
        """``supporter → Heze school``, as a person calls the assignment."""
        return f"{self.supporter} → {self.heze_school}"


class KeyVillageSchool(Record):
    """A school of a provincial key poverty village (省扶贫工作重点村中小学), for 一(一)'s pairing rate.

    ``name`` is compared without white space with the supported schools of the
    urban-rural pairs; ``city`` (with or without 市) groups the rate by city;
    ``year``, when given, counts only the pairs of that year (and those without one).
    """

    COLLECTION: ClassVar[str] = "key_village_schools"
    NOUN: ClassVar[Text] = Text(zh="重点村学校", en="key-village school")

    id: Identifier = labelled_field("编号", "id", ...)
    name: Name = labelled_field("学校名称", "school", ...)
    city: Annotated[str | None, BeforeValidator(_blank_is_none)] = labelled_field("设区市", "city")
    county: Annotated[str | None, BeforeValidator(_blank_is_none)] = labelled_field(
        "县（市、区）", "county"
    )
    year: Annotated[
        Annotated[int, Field(ge=1949, le=2100)] | None, BeforeValidator(_blank_is_none)
    ] = labelled_field("年度", "year")
    note: str | None = labelled_field("备注", "note")


__all__ = ["HezeAssignment", "KeyVillageSchool"]
