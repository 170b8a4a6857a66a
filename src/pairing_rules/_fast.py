"""The fast per-record path: a bound rubric compiled into one Python function.

:func:`compile_rubric` writes the source of a function of a record from a
:class:`~pairing_rules._plan.RubricPlan` (field reads, conditions, items,
totals, grade and vetoes, all inline) and compiles it once.  Nothing but
numbers is computed: no explanation, no per-item object.  Every name the
source uses is an identifier checked by the pack schema or a constant passed
in the namespace, never a value spliced into the text.

The arithmetic is the explained path's (:mod:`pairing_rules._expr` exact
helpers, :func:`pairing_rules._plan.adjustment_outcome`,
:func:`pairing_rules._numbers.round_exact`), so both give the same numbers;
the test suite checks it on random records.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

from ._expr import Expr, exact_add, exact_div, exact_floordiv, exact_mul, exact_sub
from ._expr import _number as number_of
from ._numbers import round_exact
from ._plan import (
    AdjustmentPlan,
    ConditionPlan,
    FilterPlan,
    FlagPlan,
    RubricPlan,
    ThresholdPlan,
    adjustment_outcome,
    field_kind,
)

PointsFn = Callable[[Any], tuple[tuple[Decimal, ...], Decimal, Decimal, str]]

_IDENT: Final = re.compile(r"^[a-z_][a-z0-9_]*$")
_ZERO: Final = Decimal(0)


class _Writer:
    """Collects source lines, temporaries and constants."""

    def __init__(self, plan: RubricPlan) -> None:
        self.plan = plan
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = {
            "_add": exact_add,
            "_sub": exact_sub,
            "_mul": exact_mul,
            "_div": exact_div,
            "_floordiv": exact_floordiv,
            "_number": number_of,
            "_Fraction": Fraction,
            "_ZERO": _ZERO,
        }
        self._constants: dict[tuple[type, Any], str] = {}
        self._temps = 0
        self.fields: dict[str, str] = {}

    def const(self, value: Any) -> str:
        key = (type(value), value)
        name = self._constants.get(key)
        if name is None:
            name = f"_c{len(self._constants)}"
            self._constants[key] = name
            self.namespace[name] = value
        return name

    def temp(self) -> str:
        self._temps += 1
        return f"t{self._temps}"

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def raw(self, name: str) -> str:
        """The local holding ``record.name`` (read once at the top)."""
        if not _IDENT.match(name):
            raise ValueError(f"not a field name: {name!r}")
        local = self.fields.get(name)
        if local is None:
            local = self.fields[name] = f"f_{name}"
        return local

    # -- expressions: (python expression, kind, may be None) --------------------------
    # kind: "int", "dec" (Decimal), "num" (int or Decimal), "any" (may be a Fraction)

    def expr(self, e: Expr, depth: int) -> tuple[str, str, bool]:
        model = self.plan.model
        if e.op == "const":
            return self.const(e.value), "dec", False
        if e.op == "count":
            local = self.raw(e.name)
            return f"(len({local}) if {local} else 0)", "int", False
        if e.op == "field":
            local = self.raw(e.name)
            kind = field_kind(model, e.name)
            if kind == "bool":
                return f"(1 if {local} is True else 0)", "int", False
            if kind in ("int", "decimal"):
                return (
                    f"(0 if {local} is None else {local})",
                    "int" if kind == "int" else "dec",
                    False,
                )
            return f"_number({local})", "any", False
        parts = [self.expr(a, depth) for a in e.args]
        nullable = any(p[2] for p in parts)
        kinds = {p[1] for p in parts}
        exact_kind = "any" if "any" in kinds else "int" if kinds == {"int"} else "num"
        if kinds == {"dec"}:
            exact_kind = "dec"
        out = self.temp()
        if e.op in ("sum", "mul", "sub"):
            plain = "any" not in kinds
            if plain:
                symbol = {"sum": " + ", "mul": " * ", "sub": " - "}[e.op]
                body = symbol.join(f"({p[0]})" for p in parts)
            else:
                helper = {"sum": "_add", "mul": "_mul", "sub": "_sub"}[e.op]
                body = parts[0][0]
                for p in parts[1:]:
                    body = f"{helper}({body}, {p[0]})"
                if e.op == "sum" and len(parts) == 1:
                    body = f"_add(0, {body})"
                if e.op == "mul" and len(parts) == 1:
                    body = f"_mul(1, {body})"
            self._assign(out, body, parts, depth)
            return out, exact_kind, nullable
        if e.op in ("min", "max"):
            body = f"{e.op}({', '.join(p[0] for p in parts)})" if len(parts) > 1 else parts[0][0]
            self._assign(out, body, parts, depth)
            return out, ("any" if "any" in kinds else exact_kind), nullable
        (a, ka, _na), (b, kb, _nb) = parts
        if e.op == "div":
            self._assign(out, f"_div({a}, {b})", parts, depth)
            return out, "any", True
        # floordiv
        self._assign(out, f"_floordiv({a}, {b})", parts, depth)
        quotient_kind = "int" if ka == kb == "int" else "any" if "any" in (ka, kb) else "dec"
        return out, quotient_kind, True

    def _assign(self, out: str, body: str, parts: list[tuple[str, str, bool]], depth: int) -> None:
        nullable = [p[0] for p in parts if p[2]]
        if nullable:
            test = " or ".join(f"{n} is None" for n in nullable)
            self.emit(depth, f"{out} = None if ({test}) else {body}")
        else:
            self.emit(depth, f"{out} = {body}")

    # -- filters and conditions ------------------------------------------------------

    def filter(self, spec: FilterPlan | None) -> str | None:
        if spec is None:
            return None
        tests = [f"{self.raw(name)} in {self.const(values)}" for name, values in spec.checks]
        return " and ".join(tests)

    def bound(self, value: Decimal, kind: str) -> str:
        if kind == "int" and value == value.to_integral_value():
            return self.const(int(value))
        if kind == "any":
            return self.const(Fraction(value))
        return self.const(value)

    def condition(self, c: ConditionPlan, depth: int, *, fraction: str | None = None) -> str:
        """Emit code setting a temporary to whether ``c`` is met; return its name.

        With ``fraction``, also lower the variable ``fraction`` to the condition's
        exact fraction when it is not met (partial credit).
        """
        met = self.temp()
        if c.field is not None:
            self.emit(depth, f"{met} = {self.raw(c.field)} is {c.equals!r}")
            if fraction is not None:
                self.emit(depth, f"if not {met}: {fraction} = 0")
            return met
        assert c.expr is not None
        kind_name: str
        if c.bare is not None:
            local = self.raw(c.bare)
            kind: str = field_kind(self.plan.model, c.bare)
            value = local
            if kind not in ("int", "decimal"):
                code, kind_name, _n = self.expr(c.expr, depth)
                value = self.temp()
                self.emit(depth, f"{value} = None if {local} is None else {code}")
            else:
                kind_name = "int" if kind == "int" else "dec"
        else:
            value, kind_name, _n = self.expr(c.expr, depth)
        tests = [f"{value} is not None"]
        if c.at_least is not None:
            tests.append(f"{value} >= {self.bound(c.at_least, kind_name)}")
        if c.at_most is not None:
            tests.append(f"{value} <= {self.bound(c.at_most, kind_name)}")
        self.emit(depth, f"{met} = {' and '.join(tests)}")
        if fraction is not None:
            low, high = c.at_least, c.at_most
            self.emit(depth, f"if not {met}:")
            if low is not None and low > 0:
                within = f"{value} is not None"
                if high is not None:
                    within += f" and {value} <= {self.bound(high, kind_name)}"
                share = f"_Fraction({value}) / {self.const(Fraction(low))}"
                self.emit(depth + 1, f"if {within}:")
                self.emit(depth + 2, f"_share = {share}")
                self.emit(depth + 2, "if _share < 0: _share = 0")
                self.emit(depth + 2, f"if _share < {fraction}: {fraction} = _share")
                self.emit(depth + 1, f"else: {fraction} = 0")
            else:
                self.emit(depth + 1, f"{fraction} = 0")
        return met

    # -- items -----------------------------------------------------------------------

    def threshold(self, body: ThresholdPlan, out: str, depth: int) -> None:
        full = self.const(body.full)
        hit, ok = self.temp(), self.temp()
        always = any(c.applies is None for c in body.conditions)
        self.emit(depth, f"{hit} = {always!r}")
        self.emit(depth, f"{ok} = True")
        fraction = "_fr" if body.proportional else None
        if fraction is not None:
            self.emit(depth, f"{fraction} = 1")
        for c in body.conditions:
            test = self.filter(c.applies)
            inner = depth
            if test is not None:
                self.emit(depth, f"if {test}:")
                inner = depth + 1
                self.emit(inner, f"{hit} = True")
            met = self.condition(c, inner, fraction=fraction)
            self.emit(inner, f"if not {met}: {ok} = False")
        self.emit(depth, f"if {hit}:")
        self.emit(depth + 1, f"reach = reach + {full}")
        if fraction is not None:
            exact_full = self.const(Fraction(body.full))
            self.emit(
                depth + 1,
                f"{out} = {full} if {ok} else _round({exact_full} * {fraction})",
            )
        else:
            self.emit(depth + 1, f"{out} = {full} if {ok} else _ZERO")
        self.emit(depth, f"else: {out} = _ZERO")

    def adjustment(self, body: AdjustmentPlan, out: str, index: int, depth: int) -> None:
        plan = self.plan
        helper = f"_adjust{index}"

        def adjust(value: Any, _body: AdjustmentPlan = body) -> Decimal:
            return adjustment_outcome(_body, value, plan.rounding, plan.places)

        self.namespace[helper] = adjust
        value, _kind, _nullable = self.expr(body.expr, depth)
        unreported = " and ".join(f"{self.raw(f)} is None" for f in body.read) or "True"
        self.emit(depth, f"if {value} is None or ({unreported}):")
        self.emit(depth + 1, f"{out} = {self.const(body.lowest)}")
        self.emit(depth, f"else: {out} = {helper}({value})")
        self.emit(depth, f"reach = reach + {self.const(body.top)}")

    def flag(self, body: FlagPlan, out: str, bonus: bool, depth: int) -> None:
        local = self.raw(body.field)
        top, otherwise = self.const(body.top), self.const(body.otherwise)
        self.emit(
            depth,
            f"{out} = {top} if {local} is True else (_ZERO if {local} is None else {otherwise})",
        )
        if not bonus:
            self.emit(depth, f"reach = reach + {top}")


def compile_rubric(plan: RubricPlan) -> PointsFn:
    """One function of a record giving (item points, total, reachable maximum, grade id)."""
    w = _Writer(plan)
    w.namespace["_round"] = lambda value: round_exact(value, plan.rounding, plan.places)
    body_start = len(w.lines)
    w.emit(1, "reach = _ZERO")
    outs = []
    for index, item in enumerate(plan.items):
        out = f"p{index}"
        outs.append(out)
        test = w.filter(item.applies)
        depth = 1
        if test is not None:
            w.emit(1, f"if {test}:")
            depth = 2
        spec = item.body
        if isinstance(spec, ThresholdPlan):
            w.threshold(spec, out, depth)
        elif isinstance(spec, AdjustmentPlan):
            w.adjustment(spec, out, index, depth)
        else:
            w.flag(spec, out, item.bonus, depth)
        if test is not None:
            w.emit(1, f"else: {out} = _ZERO")
    w.emit(1, f"total = _ZERO + {' + '.join(outs) if outs else '_ZERO'}")
    if plan.cap_at_declared:
        declared = w.const(plan.declared_total)
        w.emit(1, f"if total > {declared}: total = {declared}")
    w.emit(1, "basis = total")
    if plan.scaled:
        declared_f = w.const(Fraction(plan.declared_total))
        w.emit(1, "if reach > 0:")
        w.emit(2, f"basis = _round(_Fraction(total) * {declared_f} / _Fraction(reach))")
    last = len(plan.grades) - 1
    w.emit(1, f"grade = {last}")
    for index, minimum in reversed(list(enumerate(plan.bands))):
        w.emit(1, f"if basis >= {w.const(minimum)}: grade = {index}")
    for veto in plan.vetoes:
        tests = []
        for trigger in veto.triggers:
            met = w.condition(trigger, 1)
            applies = w.filter(trigger.applies)
            tests.append(f"({applies} and {met})" if applies else met)
        if tests:
            w.emit(1, f"if ({' or '.join(tests)}) and grade < {veto.cap}: grade = {veto.cap}")
    grades = w.const(plan.grades)
    w.emit(
        1,
        f"return ({', '.join(outs)}{',' if len(outs) == 1 else ''}), total, reach, {grades}[grade]",
    )
    reads = [f"    {local} = record.{name}" for name, local in w.fields.items()]
    source = "\n".join(["def points(record):", *reads, *w.lines[body_start:]])
    code = compile(source, f"<pairing_rules fast path: rubric {plan.id}>", "exec")
    namespace = dict(w.namespace)
    exec(code, namespace)
    fn: PointsFn = namespace["points"]
    fn.__doc__ = f"Points of a record on rubric {plan.id} (generated).\n\n{source}"
    return fn
