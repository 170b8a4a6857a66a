"""Errors caused by a user's input: reported in Chinese and English, never as a traceback."""

from __future__ import annotations

from ._i18n import Lang, Text
from ._location import Location


class InputError(Exception):
    """An input that cannot be read at all (not a file, not JSON, wrong shape …).

    :param message: what is wrong, in Chinese and English.
    :param location: the file (and sheet, row, column) it concerns: a :class:`Location`,
        or a text (shown as it is in both languages).
    """

    def __init__(self, message: Text, location: str | Location | None = None) -> None:
        super().__init__(f"{message.zh} / {message.en}")
        self.text = message
        #: the place as a structured :class:`Location`, when known
        self.loc = location if isinstance(location, Location) else None
        #: the place in Chinese (as it always was)
        self.location = location.render("zh") if isinstance(location, Location) else location

    def render(self, lang: Lang = "zh") -> str:
        where = self.loc.render(lang) if self.loc is not None else self.location
        if not where:
            return self.text.get(lang)
        return f"{where}{'：' if lang == 'zh' else ': '}{self.text.get(lang)}"
