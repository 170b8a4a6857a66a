"""What a diff says to a person: every difference, condition and entry in words.

A diff compares views keyed by identifiers (``items``, ``conditions[sync_lessons].at_least``,
``cap``); its details keep the values as the packs write them.  This module says each
value in the words of its own pack (:class:`~._words.Vocabulary`): an item by the item's
label in its rubric (never by a field that happens to share its id), a grade by its
label, an interpretation by its question and a reading by its answer, an expression in
words (:func:`~._words.expr_words`), a field by its label.  A condition whose ``when``
gate was dropped or added says so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from ._diff_views import measure_of
from ._i18n import Lang, Text
from ._numbers import format_number, to_decimal
from ._pack import Pack
from ._words import date_text, kind_label, share_text, vocabulary

#: keys whose value is an interpretation id (the question it answers)
_INTERPRETATIONS: Final = frozenset(
    {
        "interpretation",
        "basis",
        "partial",
        "fraction",
        "floor",
        "late",
        "points_interpretation",
        "rounding_interpretation",
        "tolerance",
    }
)
#: keys whose value is an expression as :func:`~._diff_views.expression` renders it
_EXPRESSIONS: Final = frozenset({"numerator", "denominator", "value", "expr"})
#: keys whose value is a field name
_FIELDS: Final = frozenset({"field", "group_by", "distinct"})
#: a key of one part of a condition: ``conditions[<key>].<part>``
_PART: Final = re.compile(r"^(.*\])\.([a-z_]+)$")


def _leaf(key: str) -> str:
    found = _PART.match(key)
    return found[2] if found else key.split("[", 1)[0]


class SideWords:
    """The values of one pack's side of a diff topic, in words.

    :param pack: the pack whose labels name the values.
    :param rubric: the rubric of the topic, whose items and grades the values name.
    :param interpretation: the interpretation of the topic, whose readings the values name.
    """

    def __init__(self, pack: Pack, *, rubric: Any = None, interpretation: Any = None) -> None:
        self.pack = pack
        self.words = vocabulary(pack)
        self.rubric = rubric
        self.interpretation = interpretation
        self._interpretations = {i.id: i for i in pack.definition.interpretations}

    def _item(self, item_id: str, lang: Lang) -> str:
        items = {i.id: i for i in self.rubric.items} if self.rubric is not None else {}
        item = items.get(item_id)
        return item.label.get(lang) if item is not None else self.words.value(item_id, lang)

    def _grade(self, grade_id: str, lang: Lang) -> str:
        if self.rubric is not None:
            for grade in self.rubric.grades.grades:
                if grade.id == grade_id:
                    return str(grade.label.get(lang))
        return self.words.value(grade_id, lang)

    def _reading(self, value: Any, lang: Lang) -> str:
        if self.interpretation is None:
            return self.words.value(value, lang)
        return str(self.interpretation.describe(str(value)).get(lang))

    def gate(self, when: Mapping[str, Any], lang: Lang) -> str:
        """A ``when`` gate in words: ``“问题”为“取值的说明”``, one per interpretation."""
        zh = lang == "zh"
        parts = []
        for key, wanted in when.items():
            values = [wanted] if isinstance(wanted, str) else list(wanted)
            answers = ("”或“" if zh else '" or "').join(
                self.words.answer(str(key), str(v), lang) for v in values
            )
            question = self.words.question(str(key), lang)
            parts.append(f"“{question}”为“{answers}”" if zh else f'"{question}" is "{answers}"')
        return ("，且" if zh else ", and ").join(parts)

    def measure(self, rendered: str, lang: Lang) -> str:
        """A field or an expression (as rendered) in words."""
        return self.words.key(rendered, lang)

    def __call__(self, key: str, value: Any, lang: Lang) -> str:
        """The value of ``key`` of a view, in words (``—`` for none)."""
        if value is None:
            return "—"
        zh = lang == "zh"
        sep = "、" if zh else ", "
        name = _leaf(key)
        if name == "items" and isinstance(value, list):
            return sep.join(self._item(str(v), lang) for v in value)
        if name == "item_points" and isinstance(value, list):
            unit = " 分" if zh else ""
            return sep.join(
                f"{self._item(str(i), lang)} {format_number(to_decimal(p))}{unit}" for i, p in value
            )
        if name == "grades" and isinstance(value, list):
            return sep.join(self._grade(str(v), lang) for v in value)
        if name == "cap" and isinstance(value, str):
            return self._grade(value, lang)
        if name in ("when", "cap_at_declared") and isinstance(value, Mapping):
            return self.gate(value, lang)
        if name in _INTERPRETATIONS and value in self._interpretations:
            return self.words.question(str(value), lang)
        if name in _EXPRESSIONS and isinstance(value, str):
            return self.measure(value, lang)
        if name in _FIELDS and isinstance(value, str):
            return self.words.field(value, lang)
        if name == "default" and self.interpretation is not None:
            return self._reading(value, lang)
        if name == "alternatives" and self.interpretation is not None:
            return sep.join(self._reading(v, lang) for v in value)
        if name == "kind" and isinstance(value, str) and self.rubric is not None:
            return str(kind_label(f"rubric_item.{value}", self.pack).get(lang))
        if name in ("at_least", "at_most") and self._share(key):
            return share_text(to_decimal(value))  # a bound of a share: 10%, not 0.1
        return self.words.value(value, lang)

    def _share(self, key: str) -> bool:
        """Whether the condition of ``key`` measures a share (a quotient)."""
        measured = measure_of(key)
        return measured is not None and self.words.is_share(measured)


def detail_text(
    detail: dict[str, Any], head: Text | None, a: SideWords, b: SideWords, *, short: bool = False
) -> Text:
    """One difference as a sentence: ``label：a → b``, or what happened to a ``when`` gate.

    :param head: the label of the condition the key belongs to (``None`` for a rule's own key).
    :param short: ``label a → b`` (as a summary lists them) instead of ``label：a → b``.
    """
    key, old, new = detail["field"], detail["a"], detail["b"]
    label = Text.model_validate(detail["label"])
    out = {}
    for lang in ("zh", "en"):
        zh = lang == "zh"
        colon = "：" if zh else ": "
        lead = f"{head.get(lang)}{colon}" if head is not None else ""
        if _leaf(key) == "when" and (old is None) != (new is None):
            if new is None:
                gate = a.gate(old, lang)
                out[lang] = (
                    f"{lead}不再限定适用口径（原仅在{gate}时适用）"
                    if zh
                    else f"{lead}no longer limited to a reading (applied only when {gate})"
                )
            else:
                gate = b.gate(new, lang)
                out[lang] = (
                    f"{lead}改为限定适用口径（仅在{gate}时适用）"
                    if zh
                    else f"{lead}now limited to a reading (applies only when {gate})"
                )
            continue
        between = " " if short else colon
        out[lang] = f"{label.get(lang)}{between}{a(key, old, lang)} → {b(key, new, lang)}"
    return Text(zh=out["zh"], en=out["en"])


def summary_text(texts: list[Text], limit: int = 4) -> Text:
    """The first ``limit`` differences, and how many more."""
    zh = "；".join(t.zh for t in texts[:limit])
    en = "; ".join(t.en for t in texts[:limit])
    more = len(texts) - limit
    if more > 0:
        zh += f"；另有 {more} 处"
        en += f"; {more} more"
    return Text(zh=zh, en=en)


def points_words(points: Any) -> Text:
    """An item's points: ``30 分`` / ``30 points``."""
    n = format_number(points)
    return Text(zh=f"{n} 分", en=f"{n} points")


def cap_words(words: SideWords, cap: str) -> Text:
    """A veto's cap: ``最高评为良好`` / ``graded good at most``."""
    return Text(
        zh=f"最高评为{words('cap', cap, 'zh')}", en=f"graded {words('cap', cap, 'en')} at most"
    )


def interpretation_words(words: SideWords, interp: Any) -> Text:
    """An interpretation's default and alternatives, each by its label."""
    one = SideWords(words.pack, interpretation=interp)
    return Text(
        zh=f"默认：{one('default', interp.default, 'zh')}；可选：{one('alternatives', interp.values, 'zh')}",
        en=f"default: {one('default', interp.default, 'en')}; "
        f"alternatives: {one('alternatives', interp.values, 'en')}",
    )


def due_words(milestone: Any) -> Text:
    """A milestone's date (or month)."""
    if milestone.due is not None:
        return Text(zh=date_text(milestone.due, "zh"), en=date_text(milestone.due, "en"))
    year, month = str(milestone.month).split("-")
    return Text(zh=f"{year}年{int(month)}月", en=str(milestone.month))
