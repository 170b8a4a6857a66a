"""Input workbooks for county staff: one sheet per collection a pack reads.

Row 1 holds the Chinese headers (``*`` marks a required column), row 2 the
field keys (hidden), so a filled workbook reads back to exactly the records it
holds and a script can fill it by key.  Enumerations and yes/no columns get a
drop-down list, counts and percentages a number check.  A first sheet
「填写说明」 explains every column and cites the rules it feeds.

Every text (a label, a quote, a value of a filled record) is a text cell, never a
formula, with control characters shown as symbols; the workbook carries no date
and fixed zip times, so the same pack gives the same bytes; it is written to a
temporary file and renamed into place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from .._i18n import Lang
from .._models import Record
from ._columns import ColumnSpec, template_columns
from ._tabular import column_letter
from ._xlsx import cell_text

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from .._pack import Pack

INSTRUCTIONS: Final = "填写说明"
_KIND_HELP: Final = {
    "text": ("文字", "text"),
    "integer": ("非负整数", "whole number ≥ 0"),
    "decimal": ("数字", "number"),
    "percent": (
        "百分数，填 0 到 100 之间的数字（如 93.5 表示 93.5%）",
        "percentage 0-100 (93.5 means 93.5%)",
    ),
    "yesno": ("是 / 否", "是 (yes) / 否 (no)"),
    "choice": ("从下拉列表选择", "choose from the list"),
    "list": ("多个名称用顿号“、”分隔", "several names separated by 、"),
    "date": ("日期，如 2022-06-30", "date, e.g. 2022-06-30"),
}
DATA_ROWS: Final = 1000


def sheet_title(model: type[Record], collection: str) -> str:
    """The sheet title of ``collection``: its Chinese noun (``教共体``)."""
    return model.NOUN.zh or collection


def template_sheets(pack: Pack) -> list[tuple[str, type[Record], list[ColumnSpec]]]:
    """``(collection, record type, columns)`` for each collection the pack reads."""
    out = []
    for name in pack.collections():
        model = pack.record_types[name]
        out.append((name, model, template_columns(model, pack.fields_read(name))))
    return out


def write_template(
    pack: Pack,
    path: str | Path,
    *,
    records: Mapping[str, Sequence[Record]] | None = None,
    lang: Lang = "zh",
) -> Path:
    """Write the input workbook of ``pack`` to ``path`` (optionally filled with ``records``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    file = Path(path)
    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = INSTRUCTIONS
    sheets = template_sheets(pack)
    _write_instructions(guide, pack, sheets, lang)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    for collection, model, columns in sheets:
        sheet = book.create_sheet(sheet_title(model, collection))
        for n, spec in enumerate(columns):
            letter = column_letter(n)
            head = put(sheet, 1, n + 1, spec.header(lang))
            head.font = bold
            head.fill = required_fill if spec.required else fill
            head.alignment = Alignment(wrap_text=True, vertical="center")
            put(sheet, 2, n + 1, spec.key)
            width = max(10, min(40, len(spec.label.zh) * 2 + 4))
            sheet.column_dimensions[letter].width = width
            _validation(sheet, spec, letter)
            if spec.kind == "percent":
                for r in range(3, DATA_ROWS + 3):
                    sheet.cell(row=r, column=n + 1).number_format = "0.0"
        sheet.row_dimensions[2].hidden = True
        sheet.row_dimensions[1].height = 36
        sheet.freeze_panes = "B3"
        for r, record in enumerate((records or {}).get(collection, []), start=3):
            for n, spec in enumerate(columns):
                value = _value(record, spec.key)
                if value is not None:
                    put(sheet, r, n + 1, value)
    return save_workbook(book, file)


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Any:
    """Set a cell; a text is always a text cell (never a formula), its control characters shown.

    :param sheet: the worksheet.
    :param row: the row, from 1.
    :param column: the column, from 1.
    :param value: a text, a number, or ``None``.
    """
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = cell_text(value)
        cell.data_type = "s"  # openpyxl takes a text starting with = for a formula
    else:
        cell.value = value
    return cell


def save_workbook(book: Any, path: Path) -> Path:
    """Write an openpyxl workbook to ``path`` whole or not at all, the same pack giving the
    same bytes: no creation or modification date, and fixed zip times.

    :param book: the workbook.
    :param path: where to write it.
    """
    import io
    import re
    import zipfile

    from openpyxl.writer.excel import ExcelWriter

    from ._atomic import AtomicFile
    from ._xlsx import zip_member

    book.properties.creator = "pairing-rules"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as made:
        ExcelWriter(book, made).write_data()
    out = AtomicFile(path)
    with (
        zipfile.ZipFile(buffer) as made,
        out as file,
        zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for info in made.infolist():
            data = made.read(info)
            if info.filename == "docProps/core.xml":  # openpyxl dates it now: no date at all
                data = re.sub(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>", b"", data)
            archive.writestr(zip_member(info.filename), data)
    return out.path


def _value(record: Record, key: str) -> Any:
    from decimal import Decimal
    from enum import Enum

    current: Any = record
    for part in key.split("."):
        current = getattr(current, part, None)
        if current is None:
            return None
    if isinstance(current, bool):
        return "是" if current else "否"
    if isinstance(current, Enum):
        return current.value
    if isinstance(current, list):
        return "、".join(str(v.value if isinstance(v, Enum) else v) for v in current) or None
    if isinstance(current, Decimal):
        return int(current) if current == current.to_integral_value() else float(current)
    return current


def _validation(sheet: Worksheet, spec: ColumnSpec, letter: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    area = f"{letter}3:{letter}{DATA_ROWS + 2}"
    validation: DataValidation | None = None
    if spec.kind in ("choice", "yesno"):
        validation = DataValidation(
            type="list", formula1='"' + ",".join(spec.choices) + '"', allow_blank=True
        )
        validation.error = f"请从下拉列表选择：{'、'.join(spec.choices)}"
    elif spec.kind == "integer":
        validation = DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True
        )
        validation.error = "请填写非负整数"
    elif spec.kind == "percent":
        validation = DataValidation(
            type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True
        )
        validation.error = "请填写 0 到 100 之间的数字"
    elif spec.kind == "decimal":
        validation = DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True
        )
        validation.error = "请填写非负数字"
    if validation is None:
        return
    validation.errorTitle = "输入有误"
    validation.showErrorMessage = True
    validation.add(area)
    sheet.add_data_validation(validation)


def _write_instructions(
    sheet: Worksheet,
    pack: Pack,
    sheets: Sequence[tuple[str, type[Record], list[ColumnSpec]]],
    lang: Lang,
) -> None:
    from openpyxl.styles import Alignment, Font

    zh = lang == "zh"
    doc = pack.document
    lines: list[list[Any]] = [
        [f"{pack.ref} 输入模板" if zh else f"{pack.ref} input template"],
        [doc.title],
        [
            (
                "每个工作表填写一类记录；第 1 行是列名（带 * 的为必填），隐藏的第 2 行是字段名，请勿修改或删除。"
                "未填写的数量按 0 计。"
            )
            if zh
            else "Fill one kind of record per sheet; row 1 holds the headers (* = required), "
            "hidden row 2 the field keys: do not change or delete them. Empty counts count as 0."
        ],
        [
            f"规则包内容哈希：{pack.content_hash}"
            if zh
            else f"pack content hash: {pack.content_hash}"
        ],
        [],
    ]
    header = (
        ["工作表", "列名", "字段", "填写要求", "用于以下规则", "出处"]
        if zh
        else [
            "sheet",
            "column",
            "key",
            "how to fill",
            "rules",
            "source",
        ]
    )
    lines.append(header)
    for collection, model, columns in sheets:
        title = sheet_title(model, collection)
        for spec in columns:
            kind_zh, kind_en = _KIND_HELP[spec.kind]
            how = kind_zh if zh else kind_en
            if spec.choices and spec.kind == "choice":
                how += "：" + "、".join(spec.choices)
            rules = "；".join(label.get(lang) for _rid, label, _src in spec.rules)
            sources = "；".join(f"{src.section}「{src.quote}」" for _rid, _label, src in spec.rules)
            lines.append([title, spec.header(lang), spec.key, how, rules, sources])
    for r, row in enumerate(lines, start=1):
        for c, value in enumerate(row, start=1):
            put(sheet, r, c, value)
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[6]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (12, 26, 26, 30, 40, 80), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=7):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A7"
