"""What changed in the rubrics of two packs, and the pieces every topic is made of.

A rubric is matched by id and compared as a whole (declared total, scope,
items), then each of its items, its grades (bands per interpretation value,
basis) and its vetoes (see :mod:`._diff`).  :func:`change` makes one topic of
two sides, each difference said in the words of its own pack.
"""

from __future__ import annotations

from typing import Any

from . import _diff_views as views
from ._diff_topics import Change, TopicChange
from ._diff_words import SideWords, cap_words, detail_text, points_words, summary_text
from ._i18n import Text
from ._numbers import format_number
from ._pack import Pack
from ._provenance import Source


def side_entry(
    rule: str, label: Text, shown: str, source: Source | None, words: Text
) -> dict[str, Any]:
    """One side of a topic: ``condition`` as the pack writes it, ``words`` for a person."""
    return {
        "rule": rule,
        "label": label.model_dump(),
        "condition": shown,
        "words": words.model_dump(),
        "source": source.model_dump() if source is not None else None,
    }


def topic_change(
    topic: str,
    label: Text,
    a: tuple[views.View, list[dict[str, Any]]] | None,
    b: tuple[views.View, list[dict[str, Any]]] | None,
    *,
    labels: dict[str, Text] | None = None,
    names: tuple[views.Names, views.Names] | None = None,
    say: tuple[SideWords, SideWords],
    what: Text,
) -> TopicChange:
    """One topic matched by id: added, removed, or compared view by view.

    Each detail says the difference in words (``text``), each side's values in the
    words of its own pack (``say``).
    """
    if a is None or b is None:
        change = Change.ADDED if a is None else Change.REMOVED
        summary = Text(
            zh=f"{what.zh}：只有{'后' if a is None else '前'}一个规则包有",
            en=f"{what.en}: only in the {'second' if a is None else 'first'} pack",
        )
        details: list[dict[str, Any]] = []
    else:
        details = views.compare_views(a[0], b[0], labels, names)
        heads = [views.head_of(d["field"], labels or {}) for d in details]
        for detail, head in zip(details, heads, strict=True):
            detail["text"] = detail_text(detail, head, *say).model_dump()
        texts = [detail_text(d, h, *say, short=True) for d, h in zip(details, heads, strict=True)]
        change = Change.CHANGED if details else Change.SAME
        summary = (
            summary_text(texts)
            if details
            else Text(zh=f"{what.zh}：相同", en=f"{what.en}: the same")
        )
    return TopicChange(
        topic=topic,
        label=label,
        change=change,
        summary=summary,
        a=None if a is None else a[1],
        b=None if b is None else b[1],
        details=details,
    )


def by_id(entries: Any) -> dict[str, Any]:
    return {e.id: e for e in entries}


def compare_rubrics(a: Pack, b: Pack) -> list[TopicChange]:
    """Rubrics by id; then each one's items by id, its grades and its vetoes."""
    rubrics_a, rubrics_b = by_id(a.definition.rubrics), by_id(b.definition.rubrics)
    names = (views.interpretation_names(a), views.interpretation_names(b))
    out = []
    for key in sorted(set(rubrics_a) | set(rubrics_b)):
        ra, rb = rubrics_a.get(key), rubrics_b.get(key)
        present = rb or ra
        assert present is not None

        def entries(rubric: Any) -> list[dict[str, Any]]:
            return [
                side_entry(
                    f"rubric.{rubric.id}.{i.id}",
                    i.label,
                    f"{format_number(i.points)} 分",
                    i.source,
                    points_words(i.points),
                )
                for i in rubric.items
            ]

        total = format_number(present.declared_total)
        topic = topic_change(
            f"rubric:{key}",
            present.label,
            None if ra is None else (views.rubric_view(ra), entries(ra)),
            None if rb is None else (views.rubric_view(rb), entries(rb)),
            names=names,
            say=(SideWords(a, rubric=ra or rb), SideWords(b, rubric=rb or ra)),
            what=Text(zh="考核细则", en="rubric"),
        )
        if topic.change in (Change.SAME, Change.ADDED, Change.REMOVED):
            topic = topic.model_copy(
                update={
                    "summary": Text(
                        zh=f"考核细则，{len(present.items)} 项，总分 {total}",
                        en=f"rubric of {len(present.items)} items, declared total {total}",
                    )
                }
            )
        out.append(topic)
        if ra is None or rb is None:
            continue
        out += _rubric_parts(ra, rb, names, (SideWords(a, rubric=ra), SideWords(b, rubric=rb)))
    return out


def _item_side(
    rubric: Any, item: Any, names: views.Names
) -> tuple[views.View, list[dict[str, Any]]]:
    view, _labels = views.item_view(item, names)
    entry = side_entry(
        f"rubric.{rubric.id}.{item.id}",
        item.label,
        f"{format_number(item.points)} 分",
        item.source,
        points_words(item.points),
    )
    return view, [entry]


def _entries_by_id(
    ra: Any,
    rb: Any,
    kind: str,
    entries: tuple[list[Any], list[Any]],
    view: Any,
    side: Any,
    names: tuple[views.Names, views.Names],
    say: tuple[SideWords, SideWords],
    what: Text,
) -> list[TopicChange]:
    """The entries of one kind in two rubrics (items, vetoes), matched by id: a topic each.

    :param view: ``view(entry, names)``: the entry's view and its labels.
    :param side: ``side(rubric, entry, names, words)``: one side of the topic.
    """
    by_a, by_b = by_id(entries[0]), by_id(entries[1])
    out = []
    for key in dict.fromkeys([*by_a, *by_b]):
        ea, eb = by_a.get(key), by_b.get(key)
        present = eb or ea
        assert present is not None
        labels = {**view(ea, names[0])[1], **view(eb, names[1])[1]} if ea and eb else {}
        out.append(
            topic_change(
                f"rubric:{rb.id}:{kind}:{key}",
                Text(
                    zh=f"{rb.label.zh}：{present.label.zh}", en=f"{rb.label.en}: {present.label.en}"
                ),
                None if ea is None else side(ra, ea, names[0], say[0]),
                None if eb is None else side(rb, eb, names[1], say[1]),
                labels=labels,
                names=names,
                say=say,
                what=what,
            )
        )
    return out


def _veto_side(
    rubric: Any, veto: Any, names: views.Names, words: SideWords
) -> tuple[views.View, list[dict[str, Any]]]:
    view, _labels = views.veto_view(veto, names)
    entry = side_entry(
        f"rubric.{rubric.id}.veto.{veto.id}",
        veto.label,
        f"→ {veto.cap}",
        veto.source,
        cap_words(words, veto.cap),
    )
    return view, [entry]


def _rubric_parts(
    ra: Any, rb: Any, names: tuple[views.Names, views.Names], say: tuple[SideWords, SideWords]
) -> list[TopicChange]:
    out = _entries_by_id(
        ra,
        rb,
        "item",
        (ra.items, rb.items),
        views.item_view,
        lambda rubric, item, names, _words: _item_side(rubric, item, names),
        names,
        say,
        Text(zh="考核项目", en="rubric item"),
    )

    def grades(rubric: Any) -> tuple[views.View, list[dict[str, Any]]]:
        g = rubric.grades
        shown = "、".join(x.label.zh for x in g.grades)
        words = Text(zh=shown, en=", ".join(x.label.en for x in g.grades))
        return views.grades_view(g), [
            side_entry(
                f"rubric.{rubric.id}.grades", Text(zh="等次", en="grades"), shown, g.source, words
            )
        ]

    def bands(side: SideWords, rubric: Any) -> dict[str, Text]:
        """Each set of grade bands by the reading it belongs to: ``等次分数线（90/80/60）``."""
        g = rubric.grades
        interp = next(
            (i for i in side.pack.definition.interpretations if i.id == g.interpretation), None
        )
        reading = SideWords(side.pack, interpretation=interp)
        return {
            f"bands[{key}]": Text(
                zh=f"等次分数线（{reading('default', key, 'zh')}）",
                en=f"grade bands ({reading('default', key, 'en')})",
            )
            for key in g.bands
        }

    out.append(
        topic_change(
            f"rubric:{rb.id}:grades",
            Text(zh=f"{rb.label.zh}：等次", en=f"{rb.label.en}: grades"),
            grades(ra),
            grades(rb),
            labels={**bands(say[0], ra), **bands(say[1], rb)},
            names=names,
            say=say,
            what=Text(zh="等次", en="grades"),
        )
    )
    out += _entries_by_id(
        ra,
        rb,
        "veto",
        (ra.vetoes, rb.vetoes),
        views.veto_view,
        _veto_side,
        names,
        say,
        Text(zh="否决", en="veto"),
    )
    return out
