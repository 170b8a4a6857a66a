"""Named interpretations: defaults, overrides and the errors a wrong override gets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairing_rules import Interpretation, InterpretationError, Pack, parse_assignments


def test_defaults_and_overrides(demo: Pack) -> None:
    choices = demo.choices()
    assert choices["demo.partial"] == "all_or_nothing"
    choices = demo.choices({"demo.partial": "proportional", "demo.bonus": "1.5"})
    assert choices["demo.partial"] == "proportional"
    assert choices.decimal("demo.bonus") == 1.5  # a decimal interpretation takes any value in range


@pytest.mark.parametrize(
    ("overrides", "zh", "en"),
    [
        ({"demo.nope": "x"}, "没有名为 demo.nope 的解释口径", "no interpretation named demo.nope"),
        (
            {"demo.partial": "maybe"},
            "不接受取值 'maybe'",
            "choose one of: all_or_nothing, proportional",
        ),
        ({"demo.bonus": "9"}, "应在 0 到 5 之间", "between 0 and 5"),
        ({"demo.bonus": "two"}, "需要一个数值", "takes a number"),
    ],
)
def test_bad_overrides(demo: Pack, overrides: dict[str, str], zh: str, en: str) -> None:
    with pytest.raises(InterpretationError) as info:
        demo.choices(overrides)
    assert zh in info.value.text.zh
    assert en in info.value.text.en


def test_parse_assignments() -> None:
    assert parse_assignments(["a.b=c", " x = 1 "]) == {"a.b": "c", "x": "1"}
    with pytest.raises(InterpretationError):
        parse_assignments(["novalue"])


def test_default_must_be_an_alternative() -> None:
    with pytest.raises(ValueError, match="not among"):
        Interpretation(
            id="a.b", label="问", default="z", alternatives=[{"value": "y", "label": "y"}]
        )


@given(st.data())
def test_every_alternative_is_accepted_and_reported(demo: Pack, data: st.DataObject) -> None:
    interp = data.draw(st.sampled_from(demo.definition.interpretations))
    value = data.draw(st.sampled_from(interp.values))
    choices = demo.choices({interp.id: value})
    (use,) = choices.uses([interp.id])
    assert use.value == value
    assert use.default is (value == interp.default)
