"""Where a person finds something in an input file: file, sheet, row and column."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ._i18n import Lang


@dataclass(frozen=True, slots=True)
class Location:
    """A place in an input file; every part is optional.

    :param file: the file's name (``book.xlsx``).
    :param sheet: the worksheet, in a workbook.
    :param row: the row as the file numbers it, from 1 (a spreadsheet's row number, a CSV
        file's line number).
    :param column: the column letter (``B``), in a workbook or CSV file.
    """

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def as_json(self) -> dict[str, Any]:
        """``{"file": …, "sheet": …, "row": …, "column": …}``."""
        return asdict(self)

    def render(self, lang: Lang = "zh") -> str:
        """``book.xlsx「教共体」第 4 行第 B 列`` / ``book.xlsx, sheet 教共体, row 4, column B``."""
        if lang == "en":
            parts = [self.file] if self.file else []
            if self.sheet is not None:
                parts.append(f"sheet {self.sheet}")
            if self.row is not None:
                parts.append(f"row {self.row}")
            if self.column is not None:
                parts.append(f"column {self.column}")
            return ", ".join(parts)
        out = self.file or ""
        if self.sheet is not None:
            out += f"「{self.sheet}」"
        place = ""
        if self.row is not None:
            place += f"第 {self.row} 行"
        if self.column is not None:
            place += f"第 {self.column} 列"
        if place:
            out += place if (not out or out.endswith("」")) else f" {place}"
        return out

    def at(self, *, row: int | None = None, column: str | None = None) -> Location:
        """This place, narrowed to a row (and a column)."""
        return Location(file=self.file, sheet=self.sheet, row=row, column=column)
