"""Bilingual text: Chinese first, English available.

Every label and message the library shows a person is a :class:`Text` with a
Chinese and an English form.  Identifiers stay in English.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, model_validator

Lang = Literal["zh", "en"]
LANGS: Final[tuple[Lang, ...]] = ("zh", "en")


class Text(BaseModel):
    """A text in Chinese (``zh``, always present) and English (``en``).

    A plain string is accepted where a :class:`Text` is expected and is taken
    as the Chinese form, with the same string as its English form.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    zh: str
    en: str

    @model_validator(mode="before")
    @classmethod
    def _from_plain(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"zh": data, "en": data}
        if isinstance(data, dict) and "zh" in data and "en" not in data:
            return {**data, "en": data["zh"]}
        return data

    def __str__(self) -> str:
        return self.zh

    def get(self, lang: Lang = "zh") -> str:
        """Return the text in ``lang``.

        :param lang: ``"zh"`` (default) or ``"en"``.
        """
        return self.en if lang == "en" else self.zh

    def format(self, **values: object) -> Text:
        """Return a copy with ``str.format`` applied to both forms."""
        return Text(zh=self.zh.format(**values), en=self.en.format(**values))


def text(zh: str, en: str) -> Text:
    """Shorthand constructor for :class:`Text`."""
    return Text(zh=zh, en=en)
