"""Provenance: where in the source document a number or rule comes from.

A :class:`Source` names a section of the document and quotes it verbatim.  The
quote is checked against the document's text after removing all white space,
the one normalisation allowed (page breaks in converted documents split words
across lines).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from ._i18n import Text

_WHITESPACE: Final = re.compile(r"\s+")


def normalize_quote(value: str) -> str:
    """Remove all white space from ``value``: the comparison used for quotes.

    >>> normalize_quote("顺\\n利推进")
    '顺利推进'
    """
    return _WHITESPACE.sub("", value)


class Source(BaseModel):
    """A citation: a section path in the document and a verbatim quote from it.

    :param section: the section path as the document numbers it, e.g. ``"四(三)2(2)"``
        or ``"附件4 一 5"``.
    :param quote: text copied from the document; compared after removing white space.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    section: str = Field(min_length=1)
    quote: str = Field(min_length=1)

    @field_validator("quote")
    @classmethod
    def _quote_not_blank(cls, value: str) -> str:
        if not normalize_quote(value):
            raise ValueError("quote is blank / 引文为空")
        return value

    def render(self) -> str:
        """``section「quote」`` for a person to read."""
        return f"{self.section}「{self.quote}」"


def render_source(source: Source | None) -> str:
    """A citation for a person to read, or ``—`` where there is none (a plugin's failure)."""
    return source.render() if source is not None else "—"


class Document(BaseModel):
    """A source document's metadata and its full text.

    :param title: the document's title as printed.
    :param issuer: the issuing body as the text shows it.
    :param doc_number: the 文号 (e.g. ``浙教办函〔2021〕53号``), ``None`` where the text has none.
    :param published: the publication date, ``None`` where the text gives none.
    :param year: the year the document is about.
    :param effective_from: first day the rules apply, if known.
    :param effective_until: last day the rules apply, if known.
    :param notes: what a reader should know about the metadata (e.g. "the text carries no date").
    :param text: the document's full text.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=1)
    issuer: str = Field(min_length=1)
    doc_number: str | None = None
    published: dt.date | None = None
    year: int | None = None
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None
    notes: list[Text] = Field(default_factory=list)
    text: str = Field(min_length=1, repr=False)

    _normalized: str = PrivateAttr(default="")

    def model_post_init(self, __context: object) -> None:
        self._normalized = normalize_quote(self.text)

    def contains(self, quote: str) -> bool:
        """Whether ``quote`` occurs in the text (white space ignored on both sides)."""
        needle = normalize_quote(quote)
        return bool(needle) and needle in self._normalized

    def metadata(self) -> dict[str, object]:
        """The metadata without the text, as JSON-ready values."""
        return self.model_dump(mode="json", exclude={"text"})
