"""The one place that reads the clock: a report's date is ``--as-of`` or the UTC date.

Reports must be reproducible: the same input, pack and ``--as-of`` give the
same bytes wherever and whenever they are made.  Nothing else in the library
reads the time of day or the local time zone (a test searches the sources for
``date.today()``, ``datetime.now(`` and ``time.localtime``): the date a report
uses is the one it was given, or else the date in UTC when it runs, and the
report says which.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ._errors import ArgumentTypeError
from ._i18n import Lang, Text


def _now() -> dt.datetime:
    """The current time in UTC (replaced in tests to stand at a chosen moment)."""
    return dt.datetime.now(dt.UTC)


def utc_today() -> dt.date:
    """Today's date in UTC, whatever the machine's time zone."""
    return _now().date()


@dataclass(frozen=True)
class ReportDate:
    """The date a report is made as of, and whether it was asked for.

    :param date: the date.
    :param given: ``True`` when it came from ``--as-of`` (or the ``as_of`` argument),
        ``False`` when it is the UTC date of the run.
    """

    date: dt.date
    given: bool

    def render(self, lang: Lang) -> str:
        """The date with where it came from, as a report states it (``2022年6月30日（按 --as-of
        指定）``, ``2022-06-30 (given with --as-of)``)."""
        from ._words import date_text

        day = date_text(self.date, lang)
        if self.given:
            return f"{day}（按 --as-of 指定）" if lang == "zh" else f"{day} (given with --as-of)"
        return (
            f"{day}（未指定 --as-of，取运行当日（协调世界时）的日期）"
            if lang == "zh"
            else f"{day} (no --as-of: the UTC date of the run)"
        )


def report_date(as_of: dt.date | None) -> ReportDate:
    """``as_of`` when given, else today's UTC date.

    :param as_of: the date asked for, or ``None``.
    :raises ArgumentTypeError: (a :class:`TypeError`) when ``as_of`` is not a date: a text,
        a number, or a ``datetime`` (whose date would depend on its time zone).
    """
    if as_of is not None:
        if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
            raise ArgumentTypeError(
                "as_of",
                Text(
                    zh="日期（datetime.date，如 datetime.date(2022, 12, 31)）",
                    en="a date (datetime.date, such as datetime.date(2022, 12, 31))",
                ),
                as_of,
            )
        return ReportDate(as_of, given=True)
    return ReportDate(utc_today(), given=False)
