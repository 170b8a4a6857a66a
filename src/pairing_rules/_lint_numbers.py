"""Lint: every number a rule encodes appears in its own quote, or the rule says how it is derived.

The numbers checked: a provision's value (and the numbers inside it), a
rubric's declared total, an item's points, a ratio's share, an adjustment's
pivot, base, step and per, a condition's bounds and the constants of its
expression, grade bands, a group rule's share, a quota table's printed rows,
sums and formula, a milestone's progress, target share and date, a stated
figure, and the two sides of a declared conflict.

A number missing from its quote is accepted when the rule says how it is
derived:

- the rule is gated by ``when:`` on an interpretation, and the label of the
  chosen alternative writes the number ("至少派出 1 名教师");
- the rule's ``note`` (a provision's, an item's, a figure's; an item's note
  covers its conditions) writes the number; an equation in a note
  (``30 + 18 + 6 + 15 + 25 = 94``) is checked;
- grade bands keyed by an interpretation's value are written in the label of
  that alternative (or the interpretation's rationale);
- a bonus item's points are the largest value of its ``points_interpretation``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

from ._expr import Expr, RawExpr, parse
from ._i18n import Text
from ._lint import LintContext
from ._lint_sites import condition_sites
from ._numbers_in_text import counts_in, dates_in, format_values, numbers_in, quoted_values
from ._yamlpos import Path

_SHORT: Final = 40
#: numbers a pack may leave at their defaults without a quote
_DEFAULTS: Final = {"per": Decimal(1), "value_min": Decimal(0), "no_task_below": Decimal(1)}


def run(ctx: LintContext) -> None:
    provisions(ctx)
    rubrics(ctx)
    conditions(ctx)
    groups(ctx)
    quotas(ctx)
    milestones(ctx)
    figures(ctx)
    conflicts(ctx)
    notes(ctx)


# ------------------------------------------------------------------------------ helpers


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return None


def _numbers(value: Any, path: Path) -> Iterator[tuple[Path, Decimal]]:
    """The numbers inside a provision's value (a number, or numbers in a list or mapping)."""
    number = _number(value)
    if number is not None:
        yield path, number
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _numbers(inner, (*path, str(key)))
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            yield from _numbers(inner, (*path, n))


def _constants(expr: Expr) -> Iterator[Decimal]:
    if expr.op == "const" and expr.value is not None:
        yield expr.value
    for arg in expr.args:
        yield from _constants(arg)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def _shown(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _closest(value: Decimal, written: Iterable[Decimal]) -> list[str]:
    """Numbers of the quote that look like ``value`` (the same digits, or nearly)."""
    mine = _shown(value)
    out = []
    for other in sorted({w.normalize() for w in written}):
        shown = _shown(other)
        if (
            sorted(shown) == sorted(mine)
            or difflib.SequenceMatcher(None, shown, mine).ratio() >= 0.75
        ):
            out.append(shown)
    return out


def _alternative_texts(ctx: LintContext, gates: Iterable[dict[str, Any] | None]) -> list[str]:
    """The labels of the alternatives a rule's ``when:`` gates choose."""
    by_id = {i.id: i for i in ctx.definition.interpretations}
    out: list[str] = []
    for gate in gates:
        for interp_id, wanted in (gate or {}).items():
            interp = by_id.get(interp_id)
            if interp is None:
                continue
            values = [wanted] if isinstance(wanted, str) else list(wanted)
            for alt in interp.alternatives:
                if alt.value in values:
                    out += [alt.label.zh, alt.label.en]
    return out


def _note_texts(*notes: Text | None) -> list[str]:
    return [t for note in notes if note is not None for t in (note.zh, note.en)]


def check_number(
    ctx: LintContext,
    path: Path,
    value: Decimal,
    quote: str,
    *,
    what: str,
    derived: Sequence[str] = (),
) -> None:
    """``value`` is in ``quote``, or in one of the ``derived`` texts (notes, alternative labels).

    0 needs no quote: it stands for "none", and a table prints it blank, ``-`` or ``/``.  A
    lower bound of 1 needs none where the quote writes no count: it stands for "some"
    ("选派骨干教师" is at least one teacher).
    """
    if value == 0 or value in quoted_values(quote):
        return
    if what == "at_least" and value == 1 and not counts_in(quote):
        return
    if any(value in quoted_values(text) for text in derived):
        return
    written = {v for m in numbers_in(quote) for v in m.values()}
    close = _closest(value, written)
    ctx.add(
        "number-not-in-quote",
        path,
        Text(
            zh=f"{what} 为 {_shown(value)}，但引文「{_short(quote)}」中没有这个数（引文中的数：{format_values(written)}）；"
            "请改正数字，或在 note 中写明它如何由引文得出",
            en=f"{what} is {_shown(value)}, which its quote 「{_short(quote)}」 does not write (the quote has: {format_values(written)}); "
            "correct it, or say in a note how it is derived",
        ),
        hint=Text(zh=f"您是否想写 {'、'.join(close)}？", en=f"did you mean {' or '.join(close)}?")
        if close
        else None,
    )


def _expression(
    ctx: LintContext, path: Path, raw: RawExpr | Expr, quote: str, derived: Sequence[str]
) -> None:
    try:
        expr = parse(raw)
    except ValueError:
        return  # reported by the name checks
    for constant in _constants(expr):
        check_number(
            ctx, path, constant, quote, what="表达式中的常数 / a constant", derived=derived
        )


# ------------------------------------------------------------------------------- checks


def provisions(ctx: LintContext) -> None:
    for n, fact in enumerate(ctx.definition.provisions):
        derived = _note_texts(fact.note)
        for path, number in _numbers(fact.value, ("provisions", n, "value")):
            check_number(ctx, path, number, fact.source.quote, what="value", derived=derived)
        if isinstance(fact.value, dt.date):
            _date(
                ctx,
                ("provisions", n, "value"),
                fact.value,
                [fact.source.quote, *derived],
                month_only=False,
            )


def rubrics(ctx: LintContext) -> None:
    by_id = {i.id: i for i in ctx.definition.interpretations}
    for r, rubric in enumerate(ctx.definition.rubrics):
        rpath: Path = ("rubrics", r)
        check_number(
            ctx,
            (*rpath, "declared_total"),
            rubric.declared_total,
            rubric.source.quote,
            what="declared_total",
        )
        for i, item in enumerate(rubric.items):
            ipath: Path = (*rpath, "items", i)
            quote = item.source.quote
            derived = _note_texts(item.note) + _alternative_texts(ctx, [item.when])
            points_from = getattr(item, "points_interpretation", None)
            interp = by_id.get(points_from) if points_from else None
            if interp is not None and interp.maximum is not None and item.points == interp.maximum:
                pass  # the bonus's points are the largest value its interpretation allows
            else:
                check_number(
                    ctx, (*ipath, "points"), item.points, quote, what="points", derived=derived
                )
            if item.kind == "ratio":
                check_number(
                    ctx,
                    (*ipath, "at_least"),
                    item.at_least,
                    quote,
                    what="at_least",
                    derived=derived,
                )
                _expression(ctx, (*ipath, "numerator"), item.numerator, quote, derived)
                _expression(ctx, (*ipath, "denominator"), item.denominator, quote, derived)
            elif item.kind == "adjustment":
                for key in ("pivot", "base", "step", "per", "value_min"):
                    if key in _DEFAULTS and getattr(item, key) == _DEFAULTS[key]:
                        continue  # the default, a convention rather than a number of the document
                    check_number(
                        ctx, (*ipath, key), getattr(item, key), quote, what=key, derived=derived
                    )
                _expression(ctx, (*ipath, "value"), item.value, quote, derived)
        grades = rubric.grades
        gpath: Path = (*rpath, "grades", "bands")
        explained: dict[str, list[str]] = {}
        interp = by_id.get(grades.interpretation or "")
        if interp is not None:
            rationale = _note_texts(interp.rationale)
            for alt in interp.alternatives:
                explained[alt.value] = [alt.label.zh, alt.label.en, *rationale]
        for key, minimums in grades.bands.items():
            for n, minimum in enumerate(minimums):
                if key == "document" and grades.interpretation is None:
                    check_number(ctx, (*gpath, key, n), minimum, grades.source.quote, what="bands")
                else:
                    texts = explained.get(key, [])
                    if not any(minimum in quoted_values(t) for t in texts):
                        check_number(
                            ctx,
                            (*gpath, key, n),
                            minimum,
                            grades.source.quote,
                            what="bands",
                            derived=texts,
                        )


def conditions(ctx: LintContext) -> None:
    for site in condition_sites(ctx.definition):
        cond = site.condition
        quote = cond.source.quote
        gates = [g for _p, g in site.gates] + [cond.when]
        derived = _note_texts(site.note) + _alternative_texts(ctx, gates)
        for key in ("at_least", "at_most"):
            bound = getattr(cond, key)
            if bound is not None:
                check_number(ctx, (*site.path, key), bound, quote, what=key, derived=derived)
        if cond.value is not None:
            _expression(ctx, (*site.path, "value"), cond.value, quote, derived)


def groups(ctx: LintContext) -> None:
    for g, group in enumerate(ctx.definition.group_requirements):
        derived = _alternative_texts(ctx, [group.when])
        for key in ("at_least", "at_most", "about"):
            bound = getattr(group, key)
            if bound is not None:
                check_number(
                    ctx,
                    ("group_requirements", g, key),
                    bound,
                    group.source.quote,
                    what=key,
                    derived=derived,
                )


def quotas(ctx: LintContext) -> None:
    for q, table in enumerate(ctx.definition.quotas):
        qpath: Path = ("quotas", q)
        for n, row in enumerate(table.rows):
            if row.source is not None and row.published is not None:
                check_number(
                    ctx,
                    (*qpath, "rows", n, "published"),
                    Decimal(row.published),
                    row.source.quote,
                    what="published",
                )
        for n, printed in enumerate(table.sums):
            check_number(
                ctx, (*qpath, "sums", n, "value"), printed.value, printed.source.quote, what="value"
            )
        formula = table.formula
        if formula is not None:
            _expression(ctx, (*qpath, "formula", "expr"), formula.expr, formula.source.quote, ())
            if formula.no_task_below != _DEFAULTS["no_task_below"]:
                check_number(
                    ctx,
                    (*qpath, "formula", "no_task_below"),
                    formula.no_task_below,
                    formula.source.quote,
                    what="no_task_below",
                )


def milestones(ctx: LintContext) -> None:
    for m, milestone in enumerate(ctx.definition.milestones):
        mpath: Path = ("milestones", m)
        quote = milestone.source.quote
        for key in ("progress", "target_share"):
            value = getattr(milestone, key)
            if value is not None:
                check_number(ctx, (*mpath, key), value, quote, what=key)
        texts = [quote, milestone.source.section]
        if milestone.due is not None:
            _date(ctx, (*mpath, "due"), milestone.due, texts, month_only=False)
        elif milestone.month is not None:
            year, month = (int(p) for p in milestone.month.split("-"))
            _date(ctx, (*mpath, "month"), dt.date(year, month, 1), texts, month_only=True)


def _date(
    ctx: LintContext, path: Path, date: dt.date, texts: Sequence[str], *, month_only: bool
) -> None:
    mentions = [d for t in texts for d in dates_in(t)]
    if month_only:
        found = any(d.month == date.month and d.year in (None, date.year) for d in mentions)
        shown_zh, shown_en = f"{date.month} 月", f"{date:%Y-%m}"
    else:
        found = any(d.matches(date) for d in mentions)
        shown_zh, shown_en = f"{date.month} 月 {date.day} 日", date.isoformat()
    if found:
        return
    written = "、".join(
        f"{d.month}月" + (f"{d.day}日" if d.day else ("底" if d.end_of_month else ""))
        for d in mentions
    )
    ctx.add(
        "date-not-in-quote",
        path,
        Text(
            zh=f"日期 {shown_zh} 不在引文「{_short(texts[0])}」或其章节中（其中的日期：{written or '无'}）",
            en=f"the date {shown_en} is not in the quote 「{_short(texts[0])}」 or its section (dates there: {written or 'none'})",
        ),
    )


def figures(ctx: LintContext) -> None:
    for f, figure in enumerate(ctx.definition.figures):
        check_number(
            ctx,
            ("figures", f, "stated"),
            figure.stated,
            figure.source.quote,
            what="stated",
            derived=_note_texts(figure.note),
        )


def conflicts(ctx: LintContext) -> None:
    for c, conflict in enumerate(ctx.definition.conflicts):
        for side in ("a", "b"):
            part = getattr(conflict, side)
            for path, number in _numbers(part.value, ("conflicts", c, side, "value")):
                check_number(ctx, path, number, part.source.quote, what="value")


# -------------------------------------------------------------------------------- notes

_OPERAND: Final = r"\d+(?:\.\d+)?%?"
_EQUATION: Final = re.compile(
    rf"({_OPERAND}(?:\s*[+\-−×xX*÷/]\s*{_OPERAND})+)\s*[=＝]\s*(约\s*)?({_OPERAND})(\s*(?:…|\.\.\.))?"
)
_TOKEN: Final = re.compile(rf"{_OPERAND}|[+\-−×xX*÷/]")


def _fraction(token: str) -> Fraction:
    if token.endswith("%"):
        return Fraction(Decimal(token[:-1])) / 100
    return Fraction(Decimal(token))


def evaluate(expression: str) -> Fraction | None:
    """The value of ``a + b × c ÷ d …`` (× and ÷ first), exactly; ``None`` when dividing by 0."""
    tokens = _TOKEN.findall(expression)
    terms: list[tuple[str, Fraction]] = []
    sign = "+"
    current: Fraction | None = None
    pending = ""
    for token in tokens:
        if token in "+-−":
            assert current is not None
            terms.append((sign, current))
            sign, current, pending = token, None, ""
        elif token in "×xX*÷/":
            pending = token
        else:
            number = _fraction(token)
            if current is None:
                current = number
            elif pending in "÷/":
                if number == 0:
                    return None
                current /= number
            else:
                current *= number
    assert current is not None
    terms.append((sign, current))
    return sum((value if s == "+" else -value for s, value in terms), Fraction(0))


def note_equations_hold(text: str) -> list[tuple[str, Fraction | None, str]]:
    """The equations of ``text`` that do not hold: (left side, its value, the written result)."""
    wrong: list[tuple[str, Fraction | None, str]] = []
    for match in _EQUATION.finditer(text):
        left, about, result, ellipsis = match.groups()
        value = evaluate(left)
        written = _fraction(result)
        if value is None:
            wrong.append((left, None, result))
            continue
        places = len(result.rstrip("%").partition(".")[2])
        if result.endswith("%"):
            places += 2
        tolerance = Fraction(1, 10**places)
        if about or ellipsis:
            ok = abs(value - written) < tolerance  # 92.553… for 92.5531…
        else:
            ok = abs(value - written) <= tolerance / 2 if places else value == written
        if not ok:
            wrong.append((left, value, result))
    return wrong


def notes(ctx: LintContext) -> None:
    """Every equation written in a note holds."""
    d = ctx.definition
    located: list[tuple[Path, Text | None]] = [
        (("provisions", n, "note"), f.note) for n, f in enumerate(d.provisions)
    ]
    for r, rubric in enumerate(d.rubrics):
        located += [
            (("rubrics", r, "items", i, "note"), item.note) for i, item in enumerate(rubric.items)
        ]
    located += [(("figures", n, "note"), f.note) for n, f in enumerate(d.figures)]
    for path, note in located:
        if note is None:
            continue
        for lang_text in (note.zh, note.en):
            wrong = note_equations_hold(lang_text)
            if not wrong:
                continue
            left, value, result = wrong[0]
            shown = "（除以 0）" if value is None else _decimal_text(value)
            ctx.add(
                "note-arithmetic",
                path,
                Text(
                    zh=f"note 中的算式不成立：{left} = {shown}，而不是 {result}",
                    en=f"the note's arithmetic does not hold: {left} = {shown}, not {result}",
                ),
            )
            break


def _decimal_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return format(exact.quantize(Decimal("0.0001")).normalize(), "f") + "…"
