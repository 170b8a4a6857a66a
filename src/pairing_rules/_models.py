"""The shared vocabulary: schools, pairs, communities and the yearly records.

These models are the public JSON contract.  A record means the same in every
pack; each pack reads the fields it needs.  Every field carries a Chinese and
an English label (see :func:`field_label`) that templates, reports and error
messages use.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Final, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ._enums import (
    AssistanceForm,
    CommunityType,
    Locale,
    Scope,
    Stage,
    VerificationLevel,
)
from ._i18n import Lang, Text
from ._values import (
    Count,
    Day,
    GrossPercent,
    Identifier,
    Months,
    Name,
    Percent,
    Year,
    YesNo,
    coercion,
    name_list,
    once_each,
)


def labelled_field(zh: str, en: str, default: Any = None, **kwargs: Any) -> Any:
    """A pydantic field with its Chinese and English label (templates, reports and messages use them).

    Pack authors defining a record type of their own use it as the core models do::

        class HezeAssignment(pairing_rules.Record):
            supporter: pairing_rules.Name = labelled_field("帮扶学校", "supporting school", ...)

    :param default: the default (``...`` for a required field).
    """
    extra: dict[str, Any] = {"zh": zh, "en": en}
    if "default_factory" in kwargs:
        return Field(description=en, json_schema_extra=extra, **kwargs)
    return Field(default, description=en, json_schema_extra=extra, **kwargs)


_f = labelled_field


def field_label(model: type[BaseModel], name: str, lang: Lang = "zh") -> str:
    """The label of field ``name`` of ``model`` in ``lang`` (the name itself if unknown).

    >>> field_label(CommunityYear, "sync_lessons")
    '城乡同步课堂节数'
    """
    info = model.model_fields.get(name)
    extra = info.json_schema_extra if info is not None else None
    if isinstance(extra, dict):
        label = extra.get(lang)
        if isinstance(label, str):
            return label
    return name


def field_phrase(
    model: type[BaseModel] | None, path: str | None, *, label: str | None = None
) -> str:
    """How a Chinese message names the field at ``path`` of ``model``: by its label, quoted.

    Identifiers are never shown in Chinese; every Chinese message about a field starts with
    this phrase, followed directly by what is wrong (``“城乡同步课堂节数”应为整数``).
    A nested path reads item by item; a field without a label (one the record does not
    know) is named as given, ``字段“foo”``.

    >>> field_phrase(CommunityYear, "sync_lessons")
    '“城乡同步课堂节数”'
    >>> field_phrase(Pair, "forms.0")
    '“帮扶形式”第 1 项'
    >>> field_phrase(Pair, "agreement.signed_on")
    '“结对协议内容”的“签订日期”'
    >>> field_phrase(CommunityYear, "sync_lesson")
    '字段“sync_lesson”'

    :param label: the Chinese label of a field outside any model (a column of the activity
        log); then ``path`` is its name, used only when ``label`` is empty.
    """
    if not path:
        return "记录"
    if label:
        return f"“{label}”"
    pieces: list[str] = []
    for part, owner in path_owners(model, path.split(".")):
        if part.isdigit():
            pieces.append(f"第 {int(part) + 1} 项")
            continue
        known = field_label(owner, part, "zh") if owner is not None else part
        words = f"“{known}”" if known != part else f"字段“{part}”"
        pieces.append(f"的{words}" if pieces else words)
    return "".join(pieces)


def path_owners(
    model: type[BaseModel] | None, parts: Iterable[str]
) -> Iterator[tuple[str, type[BaseModel] | None]]:
    """Each step of a field's path (``agreement``, ``signed_on``; ``forms``, ``0``) with the
    model that declares it (``None`` for a list's index, or a name no model declares)."""
    owners: list[type[BaseModel]] = [model] if model is not None else []
    for part in parts:
        if part.isdigit():
            yield part, None
            continue
        owner = next((m for m in owners if part in m.model_fields), None)
        yield part, owner
        owners = models_within(owner.model_fields[part].annotation) if owner is not None else []


def value_phrase(value: Any, *, between: bool = False) -> str:
    """How a Chinese message shows a value it quotes: a text in Chinese quotes (“三节”), any
    other value with a space before it (`` 120``) and, ``between`` two Chinese words, after it.

    >>> "实际为" + value_phrase("三节"), "取值" + value_phrase(5, between=True) + "无效"
    ('实际为“三节”', '取值 5 无效')
    """
    text = value if isinstance(value, str) else str(value)
    text = text[:80] + "…" if len(text) > 80 else text
    if isinstance(value, str):
        return f"“{text}”"
    return f" {text} " if between else f" {text}"


def models_within(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation holds (``Agreement | None`` → ``[Agreement]``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in models_within(arg)]


def field_text(model: type[BaseModel], name: str) -> Text:
    """The bilingual label of field ``name`` of ``model``."""
    return Text(zh=field_label(model, name, "zh"), en=field_label(model, name, "en"))


@dataclass(frozen=True, slots=True)
class Limit:
    """A rule between two fields of a record: ``field`` is at most ``other``.

    :param of: ``value`` compares with the other field's value; ``length`` with the
        number of items of a list field (an empty list sets no limit).

    Declared as data on a record type (:attr:`Record.LIMITS`), so that the record
    model and the table path enforce the same rule from one declaration.
    """

    field: str
    other: str
    of: Literal["value", "length"] = "value"

    def exceeded(self, record: Any) -> bool:
        """Whether ``record`` breaks the rule (a field not reported breaks nothing)."""
        value = getattr(record, self.field)
        limit = getattr(record, self.other)
        if self.of == "length":
            limit = len(limit) if limit else None
        return value is not None and limit is not None and value > limit


class Record(BaseModel):
    """Base of the input records: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    #: rules between fields (each field at most another), checked on every record
    LIMITS: ClassVar[tuple[Limit, ...]] = ()

    #: fields whose larger value means more activity (used by monotonicity checks)
    ACTIVITY_FIELDS: ClassVar[tuple[str, ...]] = ()
    #: the collection name of this record type in a dataset (``communities`` …)
    COLLECTION: ClassVar[str] = ""
    #: a bilingual name of one record, for messages
    NOUN: ClassVar[Text] = Text(zh="记录", en="record")

    #: the fields whose first non-empty value names the record for a person (:meth:`display_name`)
    NAME_FIELDS: ClassVar[tuple[str, ...]] = ("name",)

    @property
    def key(self) -> str:
        """What identifies the record in results: its ``id`` (a region: its name and year)."""
        return str(getattr(self, "id", "") or "")

    def display_name(self) -> str | None:
        """What a person calls the record: the first of :attr:`NAME_FIELDS` that is filled in.

        A community-year is called by its ``name`` when given, else by its core school;
        ``None`` when the record has no name (reports then show its id only).
        """
        for name in type(self).NAME_FIELDS:
            value = getattr(self, name, None)
            if value:
                return str(value)
        return None

    @model_validator(mode="after")
    def _within_limits(self) -> Record:
        for limit in type(self).LIMITS:
            if limit.exceeded(self):
                raise PydanticCustomError(
                    "field_exceeds",
                    "{field} exceeds {other}",
                    {"field": limit.field, "other": limit.other},
                )
        return self


def record_key(record: Any) -> str:
    """The key of ``record`` (:attr:`Record.key`, or an ``id`` attribute of another object)."""
    if isinstance(record, Record):
        return record.key
    return str(getattr(record, "id", "") or "")


def record_name(record: Any, *, members: bool = False, lang: Lang = "zh") -> str | None:
    """The name of ``record`` for a person (:meth:`Record.display_name`), or ``None``.

    :param members: add the member schools of a community (``甲小学（成员校：乙小学、丙小学）``).
    :param lang: the language of the words around the names.
    """
    if isinstance(record, Record):
        name = record.display_name()
    else:
        value = getattr(record, "name", None)
        name = str(value) if value else None
    if not members:
        return name
    listed = getattr(record, "members", None)
    if not listed or not isinstance(listed, list):
        return name
    joined = "、".join(str(getattr(m, "name", m)) for m in listed)
    shown = f"成员校：{joined}" if lang == "zh" else f"members: {joined}"
    if name is None:
        return shown
    return f"{name}（{shown}）" if lang == "zh" else f"{name} ({shown})"


class School(BaseModel):
    """A school (or campus / teaching point).

    ``small_scale`` (乡村小规模学校) is derived: a rural primary school or a
    teaching point with fewer than 100 students.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: Name = _f("学校名称", "school name", ...)
    city: str | None = _f("设区市", "city")
    county: str | None = _f("县（市、区）", "county")
    stage: Stage | None = _f("学段", "stage")
    locale: Locale | None = _f("城乡类型", "locale type")
    students: Count = _f("学生数", "students")
    teaching_point: YesNo = _f("教学点", "teaching point")
    boarding: YesNo = _f("寄宿制", "boarding school")
    weak: YesNo = _f("薄弱学校", "weak school")
    key_village: YesNo = _f("省扶贫工作重点村", "provincial poverty-alleviation key village")
    accelerated_county: YesNo = _f("加快发展县", "accelerated-development county")

    @property
    def small_scale(self) -> bool | None:
        """乡村小规模学校: rural, primary or teaching point, fewer than 100 students.

        ``None`` when a fact it depends on is unknown.
        """
        if self.locale is None or self.students is None:
            return None
        if self.locale is not Locale.RURAL:
            return False
        if not (self.stage is Stage.PRIMARY or self.teaching_point):
            return False
        return self.students < 100


@coercion
def _school(value: Any) -> Any:
    if isinstance(value, str):
        return {"name": value}
    return value


SchoolRef = Annotated[School, BeforeValidator(_school)]


class Community(BaseModel):
    """An education community (教育共同体): a core school and its member schools."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: Identifier | None = _f("编号", "id")
    type: CommunityType = _f("教共体模式", "community type", ...)
    scope: Scope | None = _f("结对范围", "scope")
    core: SchoolRef = _f("核心校", "core school", ...)
    members: list[SchoolRef] = _f("成员校", "member schools", default_factory=list)
    stage: Stage | None = _f("学段", "stage")
    year_formed: Year | None = _f("组建时间", "year formed")
    verification: VerificationLevel | None = _f("核验层级", "verification level")


class CommunityYear(Record):
    """One community's activity in one year: the community-year record.

    Counts are non-negative integers; ``None`` means "not reported" and counts
    as zero.  ``satisfaction`` is a percentage between 0 and 100.
    """

    COLLECTION: ClassVar[str] = "communities"
    NOUN: ClassVar[Text] = Text(zh="教共体", en="community")
    NAME_FIELDS: ClassVar[tuple[str, ...]] = ("name", "core")
    ACTIVITY_FIELDS: ClassVar[tuple[str, ...]] = (
        "sync_lessons",
        "sync_subjects",
        "offline_demo_lessons",
        "online_research",
        "offline_research",
        "teachers_barrier_free",
        "teachers_sent",
        "members_with_backbone_teacher",
        "mentors",
        "mentees",
        "min_mentoring_activities",
        "shadow_teachers",
        "shadow_months",
        "extension_courses",
        "student_exchanges",
        "master_studio",
        "support_teaching",
        "on_time",
        "satisfaction",
    )
    LIMITS: ClassVar[tuple[Limit, ...]] = (
        Limit("teachers_sent", "core_teachers"),
        Limit("members_with_backbone_teacher", "members", of="length"),
    )

    id: Identifier = _f("编号", "id", ...)
    name: str | None = _f("名称", "name")
    type: CommunityType = _f("教共体模式", "community type", ...)
    scope: Scope | None = _f("结对范围", "scope")
    city: str | None = _f("设区市", "city")
    county: str | None = _f("县（市、区）", "county")
    town: str | None = _f("乡镇/街道", "town or subdistrict")
    core: Name | None = _f("核心校（支援校）", "core (supporting) school")
    members: Annotated[list[Name], BeforeValidator(name_list)] = _f(
        "成员校（受援校）", "member (supported) schools", default_factory=list
    )
    year: Year | None = _f("年度", "year")
    formed_year: Year | None = _f("组建年份", "year formed")
    stage: Stage | None = _f("学段", "stage")
    verification: VerificationLevel | None = _f("核验层级", "verification level")
    sync_lessons: Count = _f("城乡同步课堂节数", "synchronous lessons")
    sync_subjects: Count = _f("同步课堂学科数", "synchronous-lesson subjects")
    offline_demo_lessons: Count = _f("送教下乡/线下示范课节数", "offline demonstration lessons")
    online_research: Count = _f("教师网络研修次数", "online research sessions")
    offline_research: Count = _f("线下教研次数", "offline research sessions")
    teachers_barrier_free: YesNo = _f("校区间教师无障碍流动", "free teacher flow between campuses")
    core_teachers: Count = _f("核心校教师数", "teachers of the core school")
    teachers_sent: Count = _f("核心校派到成员校任教教师数", "core teachers teaching at members")
    members_with_backbone_teacher: Count = _f(
        "有核心校骨干教师任教的成员校数", "members with a backbone teacher from the core"
    )
    mentors: Count = _f("师徒结对师傅人数", "mentors")
    mentees: Count = _f("师徒结对徒弟人数", "mentees")
    min_mentoring_activities: Count = _f(
        "每组师徒指导活动最少次数", "fewest guidance activities of any mentor group"
    )
    shadow_teachers: Count = _f("异地跟岗教师人数", "shadow-training teachers")
    shadow_months: Months = _f("跟岗最短时间（月）", "shortest shadow-training stay (months)")
    extension_courses: Count = _f("共享线上拓展课程门数", "shared online extension courses")
    student_exchanges: Count = _f("学生集体交流活动次数", "student exchange activities")
    master_studio: YesNo = _f("挂牌设立名师工作室", "master-teacher studio set up")
    support_teaching: YesNo = _f(
        "支援校教师到受援校支教", "supporting teachers taught at the member"
    )
    on_time: YesNo = _f("按时完成任务", "tasks completed on time")
    veto_incident: YesNo = _f(
        "态度敷衍、被扣分或造成不良后果", "perfunctory work, deductions or harm (veto)"
    )
    satisfaction: Percent = _f("群众满意度（%）", "satisfaction (%)")
    formed_on: Day = _f("组建日期", "date formed")
    verified_on: Day = _f("核验通过日期", "date verified")
    evidence_approval: YesNo = _f("已上传组建批文PDF", "approval document (PDF) uploaded")
    evidence_assessment_plan: YesNo = _f("已上传考核方案PDF", "assessment plan (PDF) uploaded")
    evidence_lessons: YesNo = _f("已上传同步课堂图片及汇总表", "lesson photos and summary uploaded")
    evidence_research: YesNo = _f("已上传教研活动佐证", "research records uploaded")
    evidence_teacher_list: YesNo = _f("已上传交流教师名单", "exchanged-teacher list uploaded")
    note: str | None = _f("备注", "note")


class Agreement(BaseModel):
    """The content of a pairing agreement (结对协议 / 帮扶协议)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    relationship: str | None = _f("结对帮扶关系", "pairing relationship")
    content: str | None = _f("帮扶内容", "content of support")
    annual_plan: str | None = _f("年度计划", "annual plan")
    responsible_department: str | None = _f("责任部门", "responsible department")
    liaison: str | None = _f("联络员", "liaison")
    goals: str | None = _f("结对目标", "pairing goals")
    tasks: str | None = _f("结对任务", "pairing tasks")
    division_of_duties: str | None = _f("职责分工", "division of duties")
    completion_time: str | None = _f("完成时间", "completion time")
    signed_on: Day = _f("签订日期", "date signed")

    def unstated(self, items: Iterable[str]) -> list[str]:
        """The fields of ``items`` (in their order) that the agreement does not state.

        An item is stated when it holds text other than white space.

        >>> Agreement(goals="提升乡村学校教学质量", tasks=" ").unstated(["goals", "tasks"])
        ['tasks']
        """
        out = []
        for name in items:
            if name not in type(self).model_fields or name == "signed_on":
                raise ValueError(f"{name!r} is not a text item of an agreement")
            value = getattr(self, name)
            if not (isinstance(value, str) and value.strip()):
                out.append(name)
        return out


class Pair(Record):
    """One supporting school paired with one supported school (结对学校).

    ``city`` and ``county`` say where the pair is organised; ``supporter_city``,
    ``supporter_county``, ``supported_city`` and ``supported_county`` say where
    each school is, so that a pair's scope can be verified.  Flags describe the
    supported school (``supported_*``) and the state of the pair; yearly counts
    describe the activity of the pair in ``year``.
    """

    COLLECTION: ClassVar[str] = "pairs"
    NOUN: ClassVar[Text] = Text(zh="结对", en="pair")

    def display_name(self) -> str | None:
        """The pair's ``name`` when given, else ``supporter → supported``."""
        return self.name or f"{self.supporter} → {self.supported}"

    ACTIVITY_FIELDS: ClassVar[tuple[str, ...]] = (
        "min_semester_research_meetings",
        "managers_sent",
        "managers_received",
        "joint_projects",
        "cadres_sent",
        "young_teachers_sent",
        "training_visits",
    )

    id: Identifier = _f("编号", "id", ...)
    name: str | None = _f("名称", "name")
    city: str | None = _f("设区市", "city")
    county: str | None = _f("县（市、区）", "county")
    town: str | None = _f("乡镇/街道", "town or subdistrict")
    supporter: Name = _f("帮扶（支援）学校", "supporting school", ...)
    supported: Name = _f("被帮扶（受援）学校", "supported school", ...)
    supporter_city: str | None = _f("帮扶学校所在设区市", "supporting school's city")
    supporter_county: str | None = _f("帮扶学校所在县（市、区）", "supporting school's county")
    supported_city: str | None = _f("被帮扶学校所在设区市", "supported school's city")
    supported_county: str | None = _f("被帮扶学校所在县（市、区）", "supported school's county")
    scope: Scope | None = _f("结对范围", "scope")
    forms: Annotated[
        list[AssistanceForm], BeforeValidator(name_list), AfterValidator(once_each)
    ] = _f("帮扶形式", "assistance forms (each counted once)", default_factory=list)
    start_year: Year | None = _f("结对起始年份", "start year")
    year: Year | None = _f("年度", "year")
    supporter_stage: Stage | None = _f("帮扶学校学段", "supporting school's stage")
    supported_stage: Stage | None = _f("被帮扶学校学段", "supported school's stage")
    supporter_urban: YesNo = _f("帮扶学校为城镇学校", "supporting school is urban")
    supported_rural: YesNo = _f("被帮扶学校为乡村学校", "supported school is rural")
    supported_weak: YesNo = _f("被帮扶学校为薄弱学校", "supported school is weak")
    supported_small_scale: YesNo = _f(
        "被帮扶学校为乡村小规模学校", "supported school is small-scale"
    )
    supported_boarding: YesNo = _f(
        "被帮扶学校为乡镇寄宿制学校", "supported school is a boarding school"
    )
    supported_key_village: YesNo = _f(
        "被帮扶学校在省扶贫工作重点村", "supported school is in a key poverty village"
    )
    supported_accelerated_county: YesNo = _f(
        "被帮扶学校在加快发展县", "supported school is in an accelerated-development county"
    )
    agreement_signed: YesNo = _f("已签订结对协议", "agreement signed")
    agreement: Agreement | None = _f("结对协议内容", "agreement")
    equipment_ok: YesNo = _f("信息化设备达标", "equipment compliant")
    space_opened: YesNo = _f("已开通网络空间", "online space opened")
    typical_case: YesNo = _f("典型案例", "typical case")
    resources_shared: YesNo = _f("优秀课程资源共建共享", "course resources shared")
    development_plan: YesNo = _f("被帮扶学校已制定发展规划", "development plan in place")
    school_charter: YesNo = _f("被帮扶学校已制定学校章程", "school charter in place")
    min_semester_research_meetings: Count = _f(
        "每学期联合教研会议最少次数", "fewest joint research meetings in a semester"
    )
    managers_sent: Count = _f("帮扶学校派出挂职管理人员数", "managers seconded by the supporter")
    managers_received: Count = _f(
        "被帮扶学校派出挂职管理人员数", "managers seconded by the supported"
    )
    joint_projects: Count = _f("联合课题研究项数", "joint research projects")
    cadres_sent: Count = _f(
        "被帮扶学校选派中层以上干部数", "mid-level cadres sent to the supporter"
    )
    young_teachers_sent: Count = _f(
        "被帮扶学校选派青年骨干教师数", "young teachers sent to the supporter"
    )
    training_visits: Count = _f(
        "帮扶学校到校业务研讨培训次数", "on-site training visits by the supporter"
    )
    extra_burden: YesNo = _f(
        "增加被帮扶学校经济负担", "extra financial burden on the supported school"
    )
    note: str | None = _f("备注", "note")


class Region(Record):
    """Statistics of one region (province, city or county) in one year.

    The two gross ratios (毛入园率, 毛入学率) count enrolled pupils of any age
    against the population of the official age group, so they may exceed 100
    (up to 200); the retention and enrolment rates are shares of one group and
    stay between 0 and 100.
    """

    COLLECTION: ClassVar[str] = "regions"
    NOUN: ClassVar[Text] = Text(zh="地区", en="region")

    name: Name = _f("地区名称", "region", ...)
    parent: str | None = _f("上级地区", "parent region")
    year: Year | None = _f("年度", "year")

    @property
    def key(self) -> str:
        """The region's name, with the year when there is one (``长沙市 2020``)."""
        return f"{self.name} {self.year}" if self.year is not None else self.name

    schools_total: Count = _f("义务教育学校总数", "compulsory schools")
    urban_schools: Count = _f("城区学校数", "urban schools")
    town_schools: Count = _f("镇区学校数", "town schools")
    rural_schools: Count = _f("乡村学校数", "rural schools")
    members_before: Count = _f("已组建的融合型、共建型成员校数", "existing fusion/co-build members")
    preschool_gross_enrolment: GrossPercent = _f(
        "学前三年毛入园率（%）", "pre-school gross enrolment (%)"
    )
    compulsory_retention: Percent = _f("义务教育巩固率（%）", "compulsory-education retention (%)")
    senior_secondary_gross_enrolment: GrossPercent = _f(
        "高中阶段毛入学率（%）", "senior-secondary gross enrolment (%)"
    )
    disability_enrolment: Percent = _f(
        "三类残疾儿童义务教育入学率（%）", "enrolment of children with the three disabilities (%)"
    )
    note: str | None = _f("备注", "note")


#: the record types every pack may read, by collection name
CORE_RECORD_TYPES: Final[dict[str, type[Record]]] = {
    CommunityYear.COLLECTION: CommunityYear,
    Pair.COLLECTION: Pair,
    Region.COLLECTION: Region,
}
