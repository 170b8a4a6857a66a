"""Words for a person: what identifiers, values, numbers and dates are called in a report.

Identifiers stay in the data; a report in Chinese shows none of them.  This
module names what a report would otherwise print as an identifier: a kind of
provision (``figure`` → 文件表述的数字), an audit code (``rubric_total`` →
细则各项之和与总分不符), a value a pack writes as an identifier
(``one_to_one`` → 一对一), an expression (``sync_lessons + offline_demo_lessons``
→ 城乡同步课堂节数 + 送教下乡/线下示范课节数).  The core names what the core
makes; a pack names its own kinds, codes and values in the ``labels`` section of
its ``pack.yaml`` (:class:`PackLabels`).  It also writes numbers, shares and
dates the way people write them (``8.3%``, ``87``, ``2022年3月15日``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

from pydantic import BaseModel, ConfigDict, Field

from ._i18n import Lang, Text
from ._numbers import HUNDRED, Rounding, format_number, round_to, to_decimal

if TYPE_CHECKING:
    from ._expr import Expr
    from ._pack import Pack


class PackLabels(BaseModel):
    """What a pack's own identifiers are called (``labels`` in ``pack.yaml``).

    :param kinds: the kinds of its provisions the core does not name (``duty``, ``form`` …).
    :param codes: the codes of the audit findings and check findings its hooks report.
    :param values: values it writes as identifiers (``one_to_one``, ``same_county`` …).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kinds: dict[str, Text] = Field(default_factory=dict)
    codes: dict[str, Text] = Field(default_factory=dict)
    values: dict[str, Text] = Field(default_factory=dict)


def _t(zh: str, en: str) -> Text:
    return Text(zh=zh, en=en)


#: the kinds of provision the core makes, and the common kinds of a stated fact
KIND_LABELS: Final[dict[str, Text]] = {
    "figure": _t("文件表述的数字", "figure"),
    "target": _t("目标", "target"),
    "fact": _t("事实", "fact"),
    "period": _t("期限", "period"),
    "deadline": _t("截止时间", "deadline"),
    "measure": _t("措施", "measure"),
    "duty": _t("职责", "duty"),
    "definition": _t("定义", "definition"),
    "rule": _t("规定", "rule"),
    "priority": _t("重点", "priority"),
    "condition": _t("条件", "condition"),
    "requirement": _t("要求", "requirement"),
    "evidence": _t("佐证材料", "evidence"),
    "rubric_total": _t("考核细则总分", "rubric total"),
    "rubric_item.threshold": _t("考核项目（达标得分）", "rubric item (threshold)"),
    "rubric_item.ratio": _t("考核项目（按比例）", "rubric item (ratio)"),
    "rubric_item.adjustment": _t("考核项目（增减计分）", "rubric item (adjustment)"),
    "rubric_item.timeliness": _t("考核项目（按时完成）", "rubric item (timeliness)"),
    "rubric_item.bonus": _t("加分项", "bonus item"),
    "grades": _t("等次", "grades"),
    "veto": _t("一票否决", "veto"),
    "group_share": _t("分组占比要求", "share of a group"),
    "group_rate": _t("分组比率", "rate of a group"),
    "group_count_distinct": _t("分组数量要求", "count of a group"),
    "quota_table": _t("任务分解表", "quota table"),
    "quota_formula": _t("分解公式", "quota formula"),
    "quota_sum": _t("表中合计", "printed total"),
    "progress": _t("进度", "progress"),
    "milestone": _t("时间节点", "milestone"),
    "table": _t("参考表", "reference table"),
    "stated_figure": _t("文件表述的数字", "stated figure"),
    "interpretation": _t("解释口径", "interpretation"),
    "conflict": _t("条款冲突", "conflict"),
}

#: the codes of the audit findings the core makes
CODE_LABELS: Final[dict[str, Text]] = {
    "rubric_total": _t("细则各项之和与总分不符", "rubric items do not add up to the total"),
    "printed_sum": _t("表中合计与各行之和不符", "a printed total differs from its rows"),
    "formula_deviation": _t("表中数字与公式不符", "a row departs from the formula"),
    "stated_figure": _t("文件表述的数字与名单不符", "a stated figure differs from its list"),
    "stated_arithmetic": _t("文件表述的数字之间不符", "stated figures do not add up"),
    "conflicting_provisions": _t("条款之间相互矛盾", "provisions contradict each other"),
    "plugin_error": _t("插件出错", "a plugin failed"),
}


def kind_label(kind: str, pack: Pack | None = None) -> Text:
    """What a kind of provision is called (the kind itself when neither core nor pack names it)."""
    labels = pack.definition.labels.kinds if pack is not None else {}
    return labels.get(kind) or KIND_LABELS.get(kind) or Text(zh=kind, en=kind)


def code_label(code: str, pack: Pack | None = None) -> Text:
    """What an audit or check finding's code is called."""
    labels = pack.definition.labels.codes if pack is not None else {}
    return labels.get(code) or CODE_LABELS.get(code) or Text(zh=code, en=code)


# ------------------------------------------------------------------------------------ numbers


def points_text(value: Decimal | int | None) -> str:
    """Points as a person writes them: ``87``, ``22.5`` (no trailing zeros), ``—`` for none."""
    return format_number(value)


def share_text(value: Decimal | Fraction | float | None, *near: Decimal | None) -> str:
    """A share (0..1) as a percentage: ``0.0833…`` → ``8.3%``.

    One decimal place, or more where fewer would make a different share look equal
    to one of ``near`` (a threshold it is compared with): 0.0999 beside 0.1 is
    ``9.99%``, not ``10%``.
    """
    if value is None:
        return "—"
    exact = (
        Decimal(value.numerator) / Decimal(value.denominator)
        if isinstance(value, Fraction)
        else to_decimal(value)
    )
    places = 1
    while places < 4:
        shown = round_to(exact * HUNDRED, Rounding.HALF_UP, places)
        if all(n is None or n == exact or shown != n * HUNDRED for n in near):
            break
        places += 1
    return f"{format_number(round_to(exact * HUNDRED, Rounding.HALF_UP, places))}%"


def date_text(value: dt.date | None, lang: Lang = "zh") -> str:
    """A date as people write it: ``2022年3月15日`` in Chinese, ``2022-03-15`` in English."""
    if value is None:
        return "—"
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


# -------------------------------------------------------------------------------- expressions

_OPS: Final = {"sum": " + ", "mul": " × ", "sub": " − ", "div": " ÷ "}


def is_share(expr: Expr | None) -> bool:
    """Whether an expression measures a share (a quotient), shown as a percentage."""
    return expr is not None and expr.op == "div"


def expr_words(expr: Expr, field: Callable[[str], str], lang: Lang = "zh") -> str:
    """An expression in words: each field by its label, operators as symbols.

    >>> from pairing_rules._expr import parse
    >>> labels = {"a": "同步课堂节数", "b": "线下示范课节数"}
    >>> expr_words(parse({"sum": ["a", "b"]}), labels.__getitem__)
    '同步课堂节数 + 线下示范课节数'
    """
    return _words(expr, field, lang, top=True)


def _words(expr: Expr, field: Callable[[str], str], lang: Lang, *, top: bool = False) -> str:
    zh = lang == "zh"
    if expr.op == "field":
        return field(expr.name)
    if expr.op == "const":
        return format_number(expr.value)
    if expr.op == "count":
        return f"{field(expr.name)}的个数" if zh else f"number of {field(expr.name)}"
    args = [_words(a, field, lang) for a in expr.args]
    if expr.op in _OPS:
        inner = _OPS[expr.op].join(args)
        return inner if top or len(args) == 1 else f"({inner})"
    if expr.op == "floordiv":
        return f"{args[0]} ÷ {args[1]} 的整数部分" if zh else f"whole part of {args[0]} ÷ {args[1]}"
    word = {"min": ("较小者", "smaller"), "max": ("较大者", "larger")}[expr.op]
    if zh:
        return "“" + "”与“".join(args) + f"”中的{word[0]}"
    return f"the {word[1]} of " + " and ".join(args)


# ------------------------------------------------------------------------------------- values

_YES: Final = _t("是", "yes")
_NO: Final = _t("否", "no")
_IDENTIFIER: Final = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


class Vocabulary:
    """Everything a report may need to name in one pack: fields, values, conditions.

    :param pack: the pack whose record types, interpretations and labels are used.
    """

    def __init__(self, pack: Pack) -> None:
        from ._models import field_label, models_within

        self.pack = pack
        self._fields: dict[str, Text] = {}
        self._values: dict[str, Text] = {**STRUCTURE_LABELS, **pack.definition.labels.values}
        models: list[type[BaseModel]] = list(pack.record_types.values())
        seen: set[type[BaseModel]] = set()
        while models:
            model = models.pop(0)
            if model in seen:
                continue
            seen.add(model)
            for name, info in model.model_fields.items():
                if name not in self._fields:
                    self._fields[name] = Text(
                        zh=field_label(model, name, "zh"), en=field_label(model, name, "en")
                    )
                models.extend(models_within(info.annotation))
                for enum in _enums_in(info.annotation):
                    for member in enum:
                        self._values.setdefault(str(member.value), member.label)
        for name, model in pack.record_types.items():
            self._values.setdefault(name, model.NOUN)
        for kind, label in KIND_LABELS.items():
            self._values.setdefault(kind, label)
        for kind, label in pack.definition.labels.kinds.items():
            self._values.setdefault(kind, label)
        definition = pack.definition
        # what the pack itself names: its rules by id, grades, table columns, quota columns
        for rubric in definition.rubrics:
            self._values.setdefault(rubric.id, rubric.short_label or rubric.label)
            for grade in rubric.grades.grades:
                self._values.setdefault(grade.id, grade.label)
                self._values.setdefault(grade.label.zh, grade.label)
        for requirement in definition.requirements:
            self._values.setdefault(requirement.id, requirement.label)
        for group in definition.group_requirements:
            self._values.setdefault(group.id, group.label)
        for milestone in definition.milestones:
            self._values.setdefault(milestone.id, milestone.label)
        for table in definition.tables:
            self._values.setdefault(table.id, table.label)
            for column in table.columns:
                self._values.setdefault(column.name, column.label)
        for quota in definition.quotas:
            self._values.setdefault(quota.id, quota.label)
            for key, label in quota.column_labels.items():
                self._values.setdefault(key, label)
        for provision in pack.provisions():
            self._values.setdefault(provision.id, provision.label)
        self._interpretations = {i.id: i for i in pack.definition.interpretations}
        self._expressions: dict[str, Any] | None = None

    @property
    def _keys(self) -> dict[str, Any]:
        """Every expression of the pack by its rendering (made on first use)."""
        if self._expressions is None:
            self._expressions = {}
            for expr in _expressions(self.pack.definition):
                self._expressions.setdefault(expr.render(), expr)
        return self._expressions

    def field(self, name: str, lang: Lang = "zh") -> str:
        """The label of field ``name`` (the name itself when no record type has it)."""
        label = self._fields.get(name) or self._values.get(name)
        return label.get(lang) if label is not None else name

    def key(self, key: str, lang: Lang = "zh") -> str:
        """What a finding's key names: a field's label, or an expression in words."""
        if key in self._fields:
            return self._fields[key].get(lang)
        expr = self._keys.get(key)
        if expr is not None:
            return expr_words(expr, lambda n: self.field(n, lang), lang)
        return self.value(key, lang)

    def is_share(self, key: str) -> bool:
        """Whether a finding's key is a share (a quotient of two fields)."""
        return is_share(self._keys.get(key))

    def value(self, value: Any, lang: Lang = "zh") -> str:
        """A value in words: yes/no, a number, a label for an identifier, a list joined."""
        if value is None:
            return "—"
        if isinstance(value, bool):
            return (_YES if value else _NO).get(lang)
        if isinstance(value, int | float | Decimal):
            return format_number(to_decimal(value))
        if isinstance(value, dt.date):
            return date_text(value, lang)
        if isinstance(value, list | tuple):
            return ("、" if lang == "zh" else ", ").join(self.value(v, lang) for v in value)
        if isinstance(value, Mapping):
            return self.mapping(value, lang)
        text = str(value)
        label = self._values.get(text)
        if label is not None:
            return label.get(lang)
        if text in self._fields:
            return self._fields[text].get(lang)
        expr = self._keys.get(text)
        if expr is not None:
            return expr_words(expr, lambda n: self.field(n, lang), lang)
        if text in self._interpretations:
            return self._interpretations[text].label.get(lang)
        return text

    def mapping(self, value: Mapping[str, Any], lang: Lang = "zh") -> str:
        """``{key: value}`` in words: ``城乡同步课堂节数 = 28；…``."""
        sep = "；" if lang == "zh" else "; "
        parts = []
        for key, item in value.items():
            if str(key) in self._interpretations and isinstance(item, str):
                parts.append(self.interpretation(str(key), item, lang))
                continue
            if isinstance(item, Mapping | list) and any(
                isinstance(x, Mapping) for x in _flat(item)
            ):
                inner = self.value(item, lang)
                parts.append(
                    f"{self.key(str(key), lang)}（{inner}）"
                    if lang == "zh"
                    else f"{self.key(str(key), lang)} ({inner})"
                )
                continue
            words = self.key(str(key), lang)
            if self.is_share(str(key)) and isinstance(item, int | float | Decimal):
                shown = share_text(to_decimal(item))
            else:
                shown = self.value(item, lang)
            parts.append(f"{words} = {shown}" if not isinstance(item, str) else f"{words} {shown}")
        return sep.join(parts)

    def interpretation(self, interpretation_id: str, value: str, lang: Lang = "zh") -> str:
        """An interpretation in use, in words: ``问题：取值的说明``."""
        interp = self._interpretations.get(interpretation_id)
        if interp is None:
            return value
        sep = "：" if lang == "zh" else ": "
        return f"{interp.label.get(lang)}{sep}{interp.describe(value).get(lang)}"

    def question(self, interpretation_id: str, lang: Lang = "zh") -> str:
        """The question an interpretation answers (its id when the pack has none such)."""
        interp = self._interpretations.get(interpretation_id)
        return interp.label.get(lang) if interp is not None else interpretation_id

    def answer(self, interpretation_id: str, value: str, lang: Lang = "zh") -> str:
        """The label of an interpretation's value."""
        interp = self._interpretations.get(interpretation_id)
        return interp.describe(value).get(lang) if interp is not None else value


_VOCABULARIES: dict[int, tuple[Pack, Vocabulary]] = {}


def vocabulary(pack: Pack) -> Vocabulary:
    """The :class:`Vocabulary` of ``pack``, made once per pack (a report asks for it often)."""
    known = _VOCABULARIES.get(id(pack))
    if known is not None and known[0] is pack:
        return known[1]
    if len(_VOCABULARIES) >= 32:
        _VOCABULARIES.clear()
    made = Vocabulary(pack)
    _VOCABULARIES[id(pack)] = (pack, made)
    return made


def _enums_in(annotation: Any) -> list[Any]:
    """The vocabulary enumerations an annotation holds (``list[AssistanceForm]`` …)."""
    import typing

    from ._enums import VocabularyEnum

    if isinstance(annotation, type) and issubclass(annotation, VocabularyEnum):
        return [annotation]
    out: list[Any] = []
    for arg in typing.get_args(annotation):
        out.extend(_enums_in(arg))
    return out


def _flat(value: Any) -> list[Any]:
    if isinstance(value, Mapping):
        return list(value.values())
    if isinstance(value, list):
        return value
    return [value]


def _expressions(value: Any) -> Iterator[Expr]:
    """Every expression in a pack's definition (conditions, adjustments, formulas)."""
    from ._expr import Expr

    if isinstance(value, Expr):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _expressions(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _expressions(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _expressions(item)


#: the keys and values of the structures ``show`` lists (a rule's parts)
STRUCTURE_LABELS: Final[dict[str, Text]] = {
    "at_least": _t("不少于", "at least"),
    "at_most": _t("不超过", "at most"),
    "blank": _t("未填报也适用", "also when not reported"),
    "equals": _t("等于", "equals"),
    "value": _t("数值", "value"),
    "field": _t("字段", "field"),
    "applies_to": _t("适用于", "applies to"),
    "when": _t("适用口径", "under"),
    "collection": _t("记录", "records"),
    "conditions": _t("条件", "conditions"),
    "evidence": _t("佐证", "evidence"),
    "from": _t("起", "from"),
    "to": _t("止", "to"),
    "name": _t("名称", "name"),
    "due": _t("截止日期", "due"),
    "month": _t("月份", "month"),
    "due_text": _t("原文时间", "as printed"),
    "progress": _t("进度值", "progress"),
    "target_share": _t("应完成比例", "share due"),
    "cap": _t("等次上限", "grade at most"),
    "triggers": _t("触发条件", "triggers"),
    "grades": _t("等次", "grades"),
    "bands": _t("分档", "bands"),
    "kind": _t("类别", "kind"),
    "share": _t("占比", "share"),
    "count_distinct": _t("不重复计数", "distinct count"),
    "rate": _t("比率", "rate"),
    "group_by": _t("分组", "grouped by"),
    "groups": _t("各组", "groups"),
    "exclude_groups": _t("不含的组", "groups left out"),
    "where": _t("计入条件", "counted where"),
    "base": _t("基数", "base"),
    "count": _t("计数", "count"),
    "distinct": _t("按不重复", "distinct"),
    "base_distinct": _t("基数按不重复", "base distinct"),
    "include_absent": _t("包括无记录的组", "groups without records included"),
    "about": _t("约为", "about"),
    "tolerance": _t("允许偏差", "tolerance"),
    "quota": _t("定额表", "quota table"),
    "rows": _t("行数", "rows"),
    "columns": _t("列", "columns"),
    "expr": _t("公式", "formula"),
    "rounding": _t("取整", "rounding"),
    "rounding_interpretation": _t("取整口径", "rounding interpretation"),
    "requirements": _t("要求", "requirements"),
    "responsible": _t("负责", "responsible"),
    "period": _t("时间", "period"),
    "region": _t("地区", "region"),
    "parent": _t("上级地区", "parent region"),
    "published": _t("公布数", "published"),
    "printed": _t("印刷数", "printed"),
    "half_up": _t("四舍五入", "round half up"),
    "half_even": _t("四舍六入五成双", "round half to even"),
    "ceiling": _t("向上取整", "round up"),
    "floor": _t("向下取整", "round down"),
    "down": _t("截尾", "truncate"),
    "document": _t("文件规定", "as the document says"),
    # the group of a group rule without a grouping field: every record
    "全部": _t("全部", "all records"),
}


def looks_like_identifier(text: str) -> bool:
    """Whether ``text`` looks like an identifier (``one_to_one``, ``cangnan2022.grade_basis``)."""
    return bool(_IDENTIFIER.match(text)) and ("_" in text or "." in text)
