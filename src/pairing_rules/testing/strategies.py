"""Hypothesis strategies for the public models.

Sound before complete: every value drawn is valid (it passes the model's
validators, including the cross-field ones), so a test that fails on a drawn
value has found a bug, not a bad draw.  Parameters are keyword-only.

>>> from hypothesis import given
>>> from pairing_rules.testing import strategies as prs
>>> @given(prs.community_years())
... def test_roundtrip(record): ...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from .._enums import AssistanceForm, CommunityType, Locale, Scope, Stage, VerificationLevel
from .._i18n import Text
from .._models import Agreement, Community, CommunityYear, Pair, Region, School
from .._period import Period
from .._provenance import Source

__all__ = [
    "activity_increase",
    "agreements",
    "communities",
    "community_types",
    "community_years",
    "counts",
    "pairs",
    "percents",
    "regions",
    "school_names",
    "schools",
    "scopes",
    "sources",
    "texts",
    "with_year",
    "years",
]

_SYLLABLES = "东南西北新桥溪山湖江城镇乡村实验中心第一二三四五六"
_SUFFIXES = ("小学", "中学", "初级中学", "学校", "实验小学", "教学点")


def years(
    *, period: Period | None = None, outside: bool = False, none: bool = False
) -> st.SearchStrategy[int | None]:
    """Years of records: within ``period`` (2016–2025 where it is open or not given).

    An open end of a period reaches 5 years beyond its other end.

    :param outside: also draw the year just before and just after the period.
    :param none: also draw no year (``None``).
    """
    first = period.first_year if period is not None else None
    last = period.last_year if period is not None else None
    if first is None and last is None:
        first, last = 2016, 2025
    elif first is None:
        first = max(1949, (last or 2025) - 5)
    elif last is None:
        last = min(2100, first + 5)
    assert first is not None and last is not None
    within: st.SearchStrategy[int | None] = st.integers(first, last)
    parts = [within, within]  # the years within drawn twice as often
    if outside and period is not None and not period.open:
        parts.append(st.sampled_from([y for y in (first - 1, last + 1) if 1949 <= y <= 2100]))
    if none:
        parts.append(st.none())
    return st.one_of(*parts)


def with_year(record: Any, year: int | None) -> Any:
    """``record`` with ``year`` (the record itself when its type has no ``year``)."""
    if "year" not in type(record).model_fields:
        return record
    return type(record).model_validate({**record.model_dump(), "year": year})


def school_names() -> st.SearchStrategy[str]:
    """Plausible Chinese school names (``灵溪镇第二小学``-like)."""
    return st.builds(
        lambda body, suffix: body + suffix,
        st.text(alphabet=_SYLLABLES, min_size=2, max_size=6),
        st.sampled_from(_SUFFIXES),
    )


def texts() -> st.SearchStrategy[Text]:
    """Bilingual texts."""
    return st.builds(
        Text,
        zh=st.text(alphabet=_SYLLABLES, min_size=1, max_size=12),
        en=st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=20).map(
            lambda s: s.strip() or "x"
        ),
    )


def sources(*, document: str | None = None) -> st.SearchStrategy[Source]:
    """Citations; with ``document``, the quote is a slice of it (so it is verbatim)."""
    if document is None:
        return st.builds(
            Source,
            section=st.sampled_from(["一", "二(一)", "附件1", "四(三)2(2)"]),
            quote=st.text(alphabet=_SYLLABLES, min_size=1, max_size=20),
        )
    stripped = document.strip()
    assert stripped, "document must not be blank"

    @st.composite
    def _slice(draw: st.DrawFn) -> Source:
        start = draw(st.integers(0, len(stripped) - 1))
        end = draw(st.integers(start + 1, min(len(stripped), start + 40)))
        quote = stripped[start:end]
        if not quote.strip():
            quote = stripped.split()[0]
        return Source(section="一", quote=quote)

    return _slice()


def counts(*, max_value: int = 60, none: bool = True) -> st.SearchStrategy[int | None]:
    """Non-negative counts; ``None`` (not reported) too when ``none``."""
    values = st.integers(min_value=0, max_value=max_value)
    return st.one_of(st.none(), values) if none else values


def percents(*, places: int = 1, none: bool = True) -> st.SearchStrategy[Decimal | None]:
    """Percentages 0 or 1..100 with at most ``places`` decimal places.

    A value strictly between 0 and 1 is refused by the model (it is taken for a
    fraction typed where a percentage is asked: 0.95 for 95 %), so none is drawn.
    """
    scale = 10**places
    values = st.one_of(
        st.just(Decimal(0)),
        st.integers(min_value=scale, max_value=100 * scale).map(lambda n: Decimal(n) / scale),
    )
    return st.one_of(st.none(), values) if none else values


def community_types() -> st.SearchStrategy[CommunityType]:
    return st.sampled_from(list(CommunityType))


def scopes() -> st.SearchStrategy[Scope]:
    return st.sampled_from(list(Scope))


def _flags(none: bool = True) -> st.SearchStrategy[bool | None]:
    return st.one_of(st.none(), st.booleans()) if none else st.booleans()


def schools(*, locale: Locale | None = None) -> st.SearchStrategy[School]:
    """Schools; ``locale`` fixes the locale type."""
    return st.builds(
        School,
        name=school_names(),
        city=st.one_of(st.none(), st.sampled_from(["温州市", "杭州市", "菏泽市"])),
        county=st.one_of(st.none(), st.sampled_from(["苍南县", "淳安县", "曹县"])),
        stage=st.one_of(st.none(), st.sampled_from(list(Stage))),
        locale=st.just(locale)
        if locale is not None
        else st.one_of(st.none(), st.sampled_from(list(Locale))),
        students=counts(max_value=3000),
        teaching_point=_flags(),
        boarding=_flags(),
        weak=_flags(),
        key_village=_flags(),
        accelerated_county=_flags(),
    )


def communities() -> st.SearchStrategy[Community]:
    return st.builds(
        Community,
        type=community_types(),
        scope=st.one_of(st.none(), scopes()),
        core=schools(),
        members=st.lists(schools(), min_size=1, max_size=3),
        stage=st.one_of(st.none(), st.sampled_from(list(Stage))),
        year_formed=st.one_of(st.none(), st.integers(2016, 2025)),
        verification=st.one_of(st.none(), st.sampled_from(list(VerificationLevel))),
    )


@st.composite
def community_years(
    draw: st.DrawFn,
    *,
    types: Sequence[CommunityType] | None = None,
    scopes: Sequence[Scope] | None = None,
    year: int | None = None,
    ids: st.SearchStrategy[str] | None = None,
    none: bool = True,
) -> CommunityYear:
    """Community-year records; ``types``/``scopes`` restrict the draw.

    :param none: whether optional fields may be ``None`` (not reported).
    """
    members = draw(st.lists(school_names(), min_size=1, max_size=4, unique=True))
    core_teachers = draw(counts(max_value=200, none=none))
    teachers_sent = draw(
        counts(max_value=core_teachers if core_teachers is not None else 40, none=none)
    )
    backbone = draw(counts(max_value=len(members), none=none))
    return CommunityYear(
        id=draw(ids if ids is not None else st.from_regex(r"[A-Z]{2}-[0-9]{2,4}", fullmatch=True)),
        type=draw(st.sampled_from(list(types)) if types else community_types()),
        scope=draw(
            st.sampled_from(list(scopes))
            if scopes
            else st.one_of(st.none(), st.sampled_from(list(Scope)))
        ),
        core=draw(school_names()),
        members=members,
        year=year if year is not None else draw(st.integers(2019, 2025)),
        sync_lessons=draw(counts(none=none)),
        sync_subjects=draw(counts(max_value=8, none=none)),
        offline_demo_lessons=draw(counts(none=none)),
        online_research=draw(counts(max_value=30, none=none)),
        offline_research=draw(counts(max_value=30, none=none)),
        teachers_barrier_free=draw(_flags(none)),
        core_teachers=core_teachers,
        teachers_sent=teachers_sent,
        members_with_backbone_teacher=backbone,
        mentors=draw(counts(max_value=10, none=none)),
        mentees=draw(counts(max_value=40, none=none)),
        min_mentoring_activities=draw(counts(max_value=20, none=none)),
        shadow_teachers=draw(counts(max_value=5, none=none)),
        shadow_months=draw(st.one_of(st.none(), st.integers(0, 24).map(lambda n: Decimal(n) / 2))),
        extension_courses=draw(counts(max_value=5, none=none)),
        student_exchanges=draw(counts(max_value=6, none=none)),
        master_studio=draw(_flags(none)),
        support_teaching=draw(_flags(none)),
        on_time=draw(_flags(none)),
        veto_incident=draw(_flags(none)),
        satisfaction=draw(percents(none=none)),
        verified_on=draw(
            st.one_of(st.none(), st.dates(dt.date(2019, 1, 1), dt.date(2025, 12, 31)))
        ),
        evidence_approval=draw(_flags(none)),
        evidence_assessment_plan=draw(_flags(none)),
        evidence_lessons=draw(_flags(none)),
        evidence_research=draw(_flags(none)),
        evidence_teacher_list=draw(_flags(none)),
    )


def agreements() -> st.SearchStrategy[Agreement]:
    part = st.one_of(st.none(), st.text(alphabet=_SYLLABLES, min_size=1, max_size=10))
    return st.builds(
        Agreement,
        relationship=part,
        content=part,
        annual_plan=part,
        responsible_department=part,
        liaison=part,
    )


@st.composite
def pairs(
    draw: st.DrawFn,
    *,
    cities: Sequence[str] = ("杭州", "宁波", "温州", "嘉兴"),
    scopes: Sequence[Scope] = (Scope.COUNTY, Scope.CITY, Scope.PROVINCE),
    ids: st.SearchStrategy[str] | None = None,
) -> Pair:
    """Pair records with school names, scope, forms, flags and yearly counts."""
    supporter = draw(school_names())
    supported = draw(school_names().filter(lambda n: n != supporter))
    return Pair(
        id=draw(ids if ids is not None else st.from_regex(r"P-[0-9]{1,4}", fullmatch=True)),
        city=draw(st.sampled_from(list(cities))),
        county=draw(st.one_of(st.none(), st.sampled_from(["甲县", "乙区", "丙市"]))),
        supporter=supporter,
        supported=supported,
        scope=draw(st.sampled_from(list(scopes))),
        forms=draw(st.lists(st.sampled_from(list(AssistanceForm)), max_size=4, unique=True)),
        year=draw(st.integers(2016, 2025)),
        supported_small_scale=draw(_flags()),
        supported_key_village=draw(_flags()),
        agreement_signed=draw(_flags()),
        agreement=draw(st.one_of(st.none(), agreements())),
        equipment_ok=draw(_flags()),
        space_opened=draw(_flags()),
        typical_case=draw(_flags()),
        min_semester_research_meetings=draw(counts(max_value=6)),
        managers_sent=draw(counts(max_value=4)),
        managers_received=draw(counts(max_value=4)),
        joint_projects=draw(counts(max_value=4)),
        cadres_sent=draw(counts(max_value=6)),
        young_teachers_sent=draw(counts(max_value=10)),
        training_visits=draw(counts(max_value=4)),
        extra_burden=draw(_flags()),
    )


def regions(*, names: Sequence[str] = ("长沙市", "湘西州", "邵阳市")) -> st.SearchStrategy[Region]:
    """Region statistics with percentages 0..100."""
    return st.builds(
        Region,
        name=st.sampled_from(list(names)),
        year=st.one_of(st.none(), st.integers(2016, 2025)),
        town_schools=counts(max_value=300),
        rural_schools=counts(max_value=300),
        members_before=counts(max_value=100),
        preschool_gross_enrolment=percents(),
        compulsory_retention=percents(),
        senior_secondary_gross_enrolment=percents(),
        disability_enrolment=percents(),
    )


@st.composite
def activity_increase(draw: st.DrawFn, record: Any) -> Any:
    """A copy of ``record`` with more activity: some activity fields raised, none lowered.

    Counts go up, yes/no activity flags go from no or unreported to yes,
    ``satisfaction`` rises within 100.  Cross-field limits (teachers sent
    within the core's teachers, backbone members within the members) are kept.
    """
    model = type(record)
    updates: dict[str, Any] = {}
    for name in model.ACTIVITY_FIELDS:
        if not draw(st.booleans()):
            continue
        current = getattr(record, name)
        info = model.model_fields[name]
        annotation = str(info.annotation)
        if "bool" in annotation:
            if current is not True:
                updates[name] = True
        elif name == "satisfaction":
            base = current if current is not None else Decimal(0)
            updates[name] = base + (Decimal(100) - base) * Decimal(draw(st.integers(0, 10))) / 10
        elif "Decimal" in annotation:
            base = current if current is not None else Decimal(0)
            updates[name] = base + Decimal(draw(st.integers(0, 6))) / 2
        else:
            base = current if current is not None else 0
            updates[name] = base + draw(st.integers(0, 12))
    data = {**record.model_dump(), **updates}
    core_teachers = data.get("core_teachers")
    if core_teachers is not None and (data.get("teachers_sent") or 0) > core_teachers:
        data["teachers_sent"] = max(core_teachers, getattr(record, "teachers_sent", 0) or 0)
    members = data.get("members")
    if members and (data.get("members_with_backbone_teacher") or 0) > len(members):
        data["members_with_backbone_teacher"] = len(members)
    return model.model_validate(data)
