"""The field types of records and how a cell becomes a value of one.

A workbook cell arrives as text, a number, a date or a yes/no; the coercions
here turn what county staff type (``是``, ``９５％``, ``1,200``, ``12.0``) into the
value the field holds, and name what cannot be one (a fraction where a
percentage is asked, a spreadsheet error value, a yes/no where a count is).
The table path implements the same coercions over whole columns
(:mod:`pairing_rules._compile_fields`); :data:`COERCIONS` lists them, so a
record type using any other validator is validated record by record there.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Final, TypeVar

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

_F = TypeVar("_F", bound=Callable[..., Any])

#: the input coercions of the core field types, whose meaning the table path implements
#: too (:mod:`pairing_rules._frames`); a record type using any other validator is
#: validated record by record on the table path
COERCIONS: Final[set[Callable[..., Any]]] = set()


def coercion(fn: _F) -> _F:
    """Register ``fn`` as a core coercion (the table path implements it too)."""
    COERCIONS.add(fn)
    return fn


TRUE_SPELLINGS: Final = {
    "是",
    "有",
    "√",
    "✓",
    "y",
    "yes",
    "true",
    "t",
    "1",
    "对",
    "已",
    "已完成",
    "按时",
}
FALSE_SPELLINGS: Final = {
    "否",
    "无",
    "×",
    "✗",
    "n",
    "no",
    "false",
    "f",
    "0",
    "未",
    "未完成",
    "逾期",
}
_YES_NO: Final = {**dict.fromkeys(TRUE_SPELLINGS, True), **dict.fromkeys(FALSE_SPELLINGS, False)}
_SPLIT: Final = re.compile(r"[、,，;；/|\s]+")


@coercion
def _yes_no(value: Any) -> Any:
    """Accept 是/否 and the other spellings a workbook holds for a yes/no cell."""
    if type(value) is str:
        known = _YES_NO.get(value)
        if known is not None:
            return known
        key = value.strip().lower()
        if key == "":
            return None
        if key in TRUE_SPELLINGS:
            return True
        if key in FALSE_SPELLINGS:
            return False
    return value


@coercion
def _identifier(value: Any) -> Any:
    """An id may come from a workbook as a number: keep its text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return value.strip()
    return value


@coercion
def name_list(value: Any) -> Any:
    """A list, or one cell with names separated by 、 , ; / or white space."""
    if isinstance(value, str):
        return [part for part in _SPLIT.split(value.strip()) if part]
    return value


@coercion
def once_each(values: list[Any]) -> list[Any]:
    """A list with repeats removed, in first-seen order."""
    return list(dict.fromkeys(values))


@coercion
def _blank_is_none(value: Any) -> Any:
    if isinstance(value, str) and value.strip() == "":
        return None
    return value


#: full-width digits and signs, as a Chinese input method types them, and their ASCII forms
_FULL_WIDTH: Final = str.maketrans("０１２３４５６７８９．％，－＋　", "0123456789.%,-+ ")
#: the error values a spreadsheet shows in a cell whose formula failed
SPREADSHEET_ERRORS: Final = frozenset(
    {"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"}
)


def _number_text(value: str) -> str | None:
    """A number typed as text, normalised: full-width digits and signs to ASCII, thousands
    separators and spaces removed; ``None`` when blank.

    :raises PydanticCustomError: for a spreadsheet error value (``#DIV/0!`` …).
    """
    text = value.translate(_FULL_WIDTH).strip()
    if not text:
        return None
    if text.upper() in SPREADSHEET_ERRORS:
        raise PydanticCustomError("spreadsheet_error", "spreadsheet error {code}", {"code": text})
    return text.replace(",", "").replace(" ", "")


def _not_bool(value: bool) -> PydanticCustomError:
    return PydanticCustomError("bool_number", "a yes/no value is not a number")


@coercion
def _whole(value: Any) -> Any:
    """A whole number: ``12``, ``12.0``, ``"12"``, ``"１２"``, ``"1,200"``; a yes/no value is not one."""
    if type(value) is int:
        return value
    if type(value) is str:
        if value.isdecimal():  # ASCII or full-width digits, nothing else
            return int(value)
        text = _number_text(value)
        if text is not None and text.lstrip("+-").isdigit():
            return int(text)
        return text
    if isinstance(value, bool):
        raise _not_bool(value)
    if type(value) is float and value.is_integer() and abs(value) < 2**53:
        return int(value)  # a workbook's 12.0 is 12 (and is named 12 in a message)
    return value


@coercion
def _decimal(value: Any) -> Any:
    """A decimal number, as :func:`_whole` normalises it."""
    if type(value) is str:
        number = _plain_decimal(value)
        if number is not None:
            return number
        text = _number_text(value)
        if text is None:
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            return text
    if isinstance(value, bool):
        raise _not_bool(value)
    return value


def _plain_decimal(value: str) -> Decimal | None:
    """``value`` as a finite decimal when it is plainly written (``95.8``), else ``None``."""
    if value.isascii() and "," not in value and "_" not in value:
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


@coercion
def _percent(value: Any) -> Any:
    """A percentage 0..100: ``95``, ``"95%"``, ``"９５％"``.

    A number strictly between 0 and 1 without a ``%`` sign is most likely a
    fraction typed where a percentage is asked (``0.95`` for 95 %): it is an
    error that asks.  A workbook cell formatted as a percentage reaches here as
    text with its ``%`` sign, so it is never asked about.
    """
    if isinstance(value, bool):
        raise _not_bool(value)
    explicit = False
    number: Decimal | None
    if type(value) is str and (number := _plain_decimal(value)) is not None:
        pass
    elif isinstance(value, str):
        text = _number_text(value)
        if text is None:
            return None
        if text.endswith("%"):
            explicit, text = True, text[:-1]
        try:
            number = Decimal(text)
        except InvalidOperation:
            return value
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, int | Decimal):
        number = Decimal(value)
    else:
        return value
    if not number.is_finite():
        return value
    if not explicit and 0 < number < 1:
        raise PydanticCustomError(
            "percent_fraction",
            "{value} looks like a fraction: did you mean {suggested}%?",
            {"value": f"{number:f}", "suggested": f"{(number * 100).normalize():f}"},
        )
    return number


YesNo = Annotated[bool | None, BeforeValidator(_yes_no)]
NonNegative = Annotated[int, Field(ge=0)]
Count = Annotated[NonNegative | None, BeforeValidator(_whole)]
Percent = Annotated[Annotated[Decimal, Field(ge=0, le=100)] | None, BeforeValidator(_percent)]
#: a gross ratio (毛入园率, 毛入学率): enrolled pupils of any age ÷ the population of the official
#: age group, so it may exceed 100; above 200 (twice the age group) is taken for a typing error
GrossPercent = Annotated[Annotated[Decimal, Field(ge=0, le=200)] | None, BeforeValidator(_percent)]
Months = Annotated[Annotated[Decimal, Field(ge=0)] | None, BeforeValidator(_decimal)]
Identifier = Annotated[str, BeforeValidator(_identifier), Field(min_length=1)]
Name = Annotated[str, BeforeValidator(_identifier), Field(min_length=1)]
#: the earliest and the latest year a record may give
FIRST_YEAR: Final = 1949
LAST_YEAR: Final = 2100
Year = Annotated[int, BeforeValidator(_whole), Field(ge=FIRST_YEAR, le=LAST_YEAR)]
#: a date; a blank cell is no date (as a blank count is no count), on both paths
Day = Annotated[dt.date | None, BeforeValidator(_blank_is_none)]
