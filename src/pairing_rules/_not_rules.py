"""``not_rules``: the numbers of a document that a pack deliberately does not encode.

Every number of a pack's document is either inside the quote of some citation
of the pack, or accounted for by an entry of ``not_rules`` (see
:mod:`pairing_rules._coverage`).  An entry points at one place of the text by a
verbatim ``context`` (compared with white space removed, as quotes are) and
says, in Chinese and English, why the number there is not a rule.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ._i18n import Text


class NotRuleKind(StrEnum):
    """What a number that is not a rule is."""

    DOC_NUMBER = "doc_number"
    DATE_OF_ISSUE = "date_of_issue"
    PAGE = "page"
    SECTION = "section"
    REFERENCE = "reference"
    NAME = "name"
    CONTACT = "contact"
    BACKGROUND = "background"
    CONVERSION = "conversion"
    FORM = "form"
    TABLE = "table"
    RESTATED = "restated"
    UNCITED = "uncited"
    UNENCODED = "unencoded"

    @property
    def label(self) -> Text:
        return _KIND_LABELS[self]


_KIND_LABELS: Final = {
    NotRuleKind.DOC_NUMBER: Text(zh="文号", en="document number"),
    NotRuleKind.DATE_OF_ISSUE: Text(zh="发文或实施日期", en="date of issue or of effect"),
    NotRuleKind.PAGE: Text(zh="页码", en="page number"),
    NotRuleKind.SECTION: Text(zh="章节编号", en="section number"),
    NotRuleKind.REFERENCE: Text(
        zh="所引文件的名称或文号", en="title or number of another document"
    ),
    NotRuleKind.NAME: Text(zh="名称中的数字", en="part of a name"),
    NotRuleKind.CONTACT: Text(zh="联系方式", en="contact details"),
    NotRuleKind.BACKGROUND: Text(zh="背景数字", en="background figure"),
    NotRuleKind.CONVERSION: Text(
        zh="网页或转换留下的文字", en="left by the web page or the conversion"
    ),
    NotRuleKind.FORM: Text(zh="空白表格中印好的文字", en="printed in a blank form"),
    NotRuleKind.TABLE: Text(zh="已转录为参照表", en="transcribed into a table"),
    NotRuleKind.RESTATED: Text(zh="重申他处已引用的数字", en="restates a number cited elsewhere"),
    NotRuleKind.UNCITED: Text(
        zh="已编码，但不在该规则的引文中", en="encoded, but outside its rule's quote"
    ),
    NotRuleKind.UNENCODED: Text(zh="尚未编码的规则", en="a rule not encoded yet"),
}


class NotRule(BaseModel):
    """A number of the document that is not a rule, and why.

    :param text: the number as the coverage report prints it (white space removed),
        e.g. ``2021``, ``〔2021〕53号``, ``3月15日``, ``90%``.
    :param context: verbatim text around it, found exactly once in the document
        (white space ignored); ``text`` must be exactly one number of it.
    :param kind: what it is (:class:`NotRuleKind`).
    :param reason: why it is not a rule, in Chinese and English.
    :param table: for ``kind: table`` only: the id of the pack's reference or quota
        table that holds the printed table's numbers.
    :param until: for ``kind: table`` only: verbatim text that ends the printed
        table; the entry spans from the start of ``context`` to the end of ``until``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str | None = None
    context: str = Field(min_length=1)
    kind: NotRuleKind
    reason: Text
    table: str | None = None
    until: str | None = None

    @field_validator("text", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, dt.date):  # YAML reads 2021-09-13 as a date
            return value.isoformat()
        return value

    @field_validator("reason", mode="before")
    @classmethod
    def _both_languages(cls, value: Any) -> Any:
        if not (
            isinstance(value, dict) and all(str(value.get(k) or "").strip() for k in ("zh", "en"))
        ):
            raise ValueError("reason needs both zh and en / 理由须有中文（zh）和英文（en）")
        return value

    @model_validator(mode="after")
    def _shape(self) -> NotRule:
        if self.kind is NotRuleKind.TABLE:
            if self.table is None or self.until is None:
                raise ValueError(
                    "kind table needs `table` and `until` / 表格条目须有 table 和 until"
                )
            if self.text is not None:
                raise ValueError("kind table spans a whole table: no `text` / 表格条目不写 text")
        else:
            if self.text is None or not "".join(self.text.split()):
                raise ValueError("`text` is required / 须写明 text（数字原文）")
            if self.table is not None or self.until is not None:
                raise ValueError(
                    "`table` and `until` are for kind table / table 与 until 只用于表格条目"
                )
        return self
