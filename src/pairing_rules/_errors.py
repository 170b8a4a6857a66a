"""Errors caused by a user's input: reported in Chinese and English, never as a traceback."""

from __future__ import annotations

from ._i18n import Lang, Text


class InputError(Exception):
    """An input that cannot be read at all (not a file, not JSON, wrong shape …).

    :param message: what is wrong, in Chinese and English.
    :param location: the file (and sheet, row, column) it concerns.
    """

    def __init__(self, message: Text, location: str | None = None) -> None:
        super().__init__(f"{message.zh} / {message.en}")
        self.text = message
        self.location = location

    def render(self, lang: Lang = "zh") -> str:
        prefix = f"{self.location}：" if self.location else ""
        return prefix + self.text.get(lang)
