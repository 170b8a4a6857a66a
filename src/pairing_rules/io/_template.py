"""Input workbooks for county staff: one sheet per collection a pack reads.

Row 1 holds the headers (``*`` marks a required column, and a column that
chooses the rubric, such as 结对范围), row 2 the field keys (hidden), so a
filled workbook reads back to exactly the records it holds and a script can
fill it by key.  Every column has an input prompt (its label, what to write,
the choices); enumerations and yes/no columns get a drop-down list, counts and
percentages a number check.  A first sheet 「填写说明」 explains every column
and cites the rules it feeds (each rule once); a sheet 「示例」 shows one filled
row (the reader passes it over).  The optional grouping columns (乡镇/街道,
学段) are always there, for the breakdowns of ``score --by``.

Every text (a label, a quote, a value of a filled record) is a text cell, never a
formula, with control characters shown as symbols; the workbook carries no date
and fixed zip times, so the same pack gives the same bytes; it is written to a
temporary file and renamed into place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from .._i18n import Lang, Text
from .._models import Record
from .._values import FIRST_YEAR, LAST_YEAR
from ._columns import ColumnSpec, template_columns
from ._tabular import column_letter
from ._xlsx_cells import cell_text, display_width

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from .._pack import Pack

INSTRUCTIONS: Final = "填写说明"
EXAMPLE: Final = "示例"
_KIND_HELP: Final = {
    "text": ("文字", "text"),
    "integer": ("非负整数，如 20", "a whole number ≥ 0, e.g. 20"),
    "decimal": ("数字", "a number"),
    "percent": (
        "百分数，填 0 到 100 之间的数字（如 93.5 表示 93.5%）",
        "a percentage from 0 to 100 (93.5 means 93.5%)",
    ),
    "yesno": ("填“是”或“否”", "是 (yes) or 否 (no)"),
    "choice": ("从下拉列表选择", "choose from the list"),
    "list": ("多个名称用顿号“、”分隔", "several names separated by semicolons"),
    "date": ("日期，如 2022-06-30", "a date, e.g. 2022-06-30"),
}


YEARS: Final = (FIRST_YEAR, LAST_YEAR)
_YEAR_HELP: Final = (
    f"年份（{YEARS[0]} 至 {YEARS[1]}），如 2022",
    f"a year ({YEARS[0]} to {YEARS[1]}), e.g. 2022",
)
#: the fields a bureau groups its reports by: in every template, for ``score --by``
GROUPING: Final = ("town", "stage")
DATA_ROWS: Final = 1000


def sheet_title(model: type[Record], collection: str, lang: Lang = "zh") -> str:
    """The sheet title of ``collection``: its noun (``教共体``), which the reader recognises."""
    return model.NOUN.get(lang) or collection


def choosing_fields(pack: Pack, collection: str) -> set[str]:
    """The fields that choose a record's rubric (a rubric's ``applies_to``): needed to score."""
    out: set[str] = set()
    for rubric in pack.definition.rubrics:
        if rubric.collection == collection:
            out |= set(rubric.applies_to or {})
    return out


def template_sheets(pack: Pack) -> list[tuple[str, type[Record], list[ColumnSpec]]]:
    """``(collection, record type, columns)`` for each collection the pack reads.

    A column that chooses the rubric is marked required; the grouping columns are added.
    """
    out = []
    for name in pack.collections():
        model = pack.record_types[name]
        read = dict(pack.fields_read(name))
        for key in GROUPING:
            if key in model.model_fields:
                read.setdefault(key, [])
        choosing = choosing_fields(pack, name)
        columns = [
            ColumnSpec(
                key=c.key,
                label=c.label,
                kind=c.kind,
                required=c.required or c.key in choosing,
                choices=c.choices,
                rules=c.rules,
                choices_en=c.choices_en,
            )
            for c in template_columns(model, read)
        ]
        out.append((name, model, columns))
    return out


def _is_year(spec: ColumnSpec) -> bool:
    """Whether a column holds a year (``year``, ``formed_year``, ``start_year`` …)."""
    key = spec.key.rsplit(".", 1)[-1]
    return spec.kind == "integer" and (
        key == "year" or key.endswith("_year") or key.startswith("year_")
    )


def good_answers(pack: Pack) -> dict[str, bool]:
    """The yes/no answer the pack's rules ask of each yes/no field they read: the ``equals`` of
    a condition, and the opposite for a veto's trigger (a veto's answer wins)."""
    from .._conditions import Condition
    from .._lint import model_walk

    wanted: dict[str, bool] = {}
    vetoes: dict[str, bool] = {}
    for path, value in model_walk(pack.definition):
        if isinstance(value, Condition) and value.field is not None and value.equals is not None:
            if "triggers" in path:
                vetoes[value.field] = not value.equals
            else:
                wanted.setdefault(value.field, value.equals)
    return {**wanted, **vetoes}


#: the school stage an example row gives, when the column offers it: every document is about
#: compulsory or basic education, where a primary school is the common case
_EXAMPLE_STAGE: Final = "小学"


def _example(
    spec: ColumnSpec, pack: Pack, number: int, lang: Lang, answers: Mapping[str, bool]
) -> Any:
    """A plausible value of a column, for the example row: a yes/no answers as the pack's rules
    ask (``answers``, see :func:`good_answers`), so the example triggers no veto."""
    year = pack.document.year or 2022
    key = spec.key.rsplit(".", 1)[-1]
    zh = lang == "zh"
    if key == "id":
        return f"{'示例' if zh else 'EX'}-{number:02d}"
    if _is_year(spec):
        return year
    if spec.kind == "yesno" and key in answers:
        options = spec.options(lang)
        return options[0 if answers[key] else 1] if len(options) == 2 else None
    if spec.kind in ("choice", "yesno"):
        options = spec.options(lang)
        if key == "stage" and _EXAMPLE_STAGE in spec.choices:
            return options[spec.choices.index(_EXAMPLE_STAGE)]
        return options[0] if options else None
    if spec.kind == "integer":
        return 20 if "lessons" in key else 3
    if spec.kind == "percent":
        return 95
    if spec.kind == "decimal":
        return 1
    if spec.kind == "date":
        return f"{year}-06-30"
    if spec.kind == "list":
        return "示例县甲小学、示例县乙小学" if zh else "School-A; School-B"
    examples = {
        "name": ("示例教共体", "Example community"),
        "core": ("示例县实验小学", "Example Experimental School"),
        "supporter": ("示例县实验小学", "Example Experimental School"),
        "supported": ("示例县甲小学", "School-A"),
        "town": ("示例镇", "Example Town"),
        "city": ("示例市", "Example City"),
        "county": ("示例县", "Example County"),
        "note": ("（示例行，不参与评分）", "(an example row, never scored)"),
    }
    zh_value, en_value = examples.get(key, ("示例", "example"))
    return zh_value if zh else en_value


def _prompt(spec: ColumnSpec, lang: Lang, choosing: bool) -> tuple[str, str]:
    """The input prompt of a column: a title (its label) and what to write."""
    zh = lang == "zh"
    kind_zh, kind_en = _YEAR_HELP if _is_year(spec) else _KIND_HELP[spec.kind]
    if spec.kind == "yesno" and not zh:
        kind_en = "yes or no"
    parts = [kind_zh if zh else kind_en]
    if spec.kind == "choice" and spec.choices:
        parts.append(
            ("可选：" if zh else "choices: ") + ("、" if zh else ", ").join(spec.options(lang))
        )
    if spec.required:
        parts.append(
            ("必填：决定适用的考核细则" if zh else "required: it chooses the rubric")
            if choosing
            else ("必填" if zh else "required")
        )
    elif spec.kind in ("integer", "percent", "decimal") and not _is_year(spec):
        parts.append("不填按未填报计" if zh else "empty means not reported")
    title = spec.label.get(lang)[:32]
    return title, ("；" if zh else "; ").join(parts)[:255]


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

    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = INSTRUCTIONS if lang == "zh" else "instructions"
    sheets = template_sheets(pack)
    _write_instructions(guide, pack, sheets, lang)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    for collection, model, columns in sheets:
        choosing = choosing_fields(pack, collection)
        sheet = book.create_sheet(sheet_title(model, collection, lang))
        _header(sheet, columns, lang, bold, fill, required_fill, Alignment)
        for n, spec in enumerate(columns):
            letter = column_letter(n)
            _validation(sheet, spec, letter, lang, spec.key in choosing)
            if spec.kind == "percent":
                for r in range(3, DATA_ROWS + 3):
                    sheet.cell(row=r, column=n + 1).number_format = "0.0"
        sheet.freeze_panes = "B3"
        for r, record in enumerate((records or {}).get(collection, []), start=3):
            for n, spec in enumerate(columns):
                value = _value(record, spec.key)
                if value is not None:
                    put(sheet, r, n + 1, value)
    answers = good_answers(pack)
    for number, (collection, model, columns) in enumerate(sheets, start=1):
        title = EXAMPLE if len(sheets) == 1 else f"{EXAMPLE} {sheet_title(model, collection)}"
        example = book.create_sheet(title if lang == "zh" else f"example {model.NOUN.en}"[:31])
        _header(example, columns, lang, bold, fill, required_fill, Alignment)
        for n, spec in enumerate(columns):
            put(example, 3, n + 1, _example(spec, pack, number, lang, answers))
        example.freeze_panes = "B3"
        note = (
            "这是填写示例，不会被读取；请在“{sheet}”工作表中填写。"
            if lang == "zh"
            else "An example only, never read: fill in the sheet “{sheet}”."
        )
        put(example, 5, 1, note.format(sheet=sheet_title(model, collection, lang)))
    return save_workbook(book, Path(path))


def _header(
    sheet: Worksheet,
    columns: Sequence[ColumnSpec],
    lang: Lang,
    bold: Any,
    fill: Any,
    required_fill: Any,
    alignment: Any,
) -> None:
    """Row 1: the headers (required ones shaded); row 2, hidden: the field keys."""
    for n, spec in enumerate(columns):
        letter = column_letter(n)
        head = put(sheet, 1, n + 1, spec.header(lang))
        head.font = bold
        head.fill = required_fill if spec.required else fill
        head.alignment = alignment(wrap_text=True, vertical="center")
        put(sheet, 2, n + 1, spec.key)
        sheet.column_dimensions[letter].width = max(
            10, min(40, display_width(spec.header(lang)) + 4)
        )
    sheet.row_dimensions[2].hidden = True
    sheet.row_dimensions[1].height = 36


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


_ERRORS: Final = {
    "choice": Text(zh="请从下拉列表选择：{choices}", en="choose from the list: {choices}"),
    "integer": Text(zh="请填写非负整数", en="write a whole number, 0 or more"),
    "percent": Text(zh="请填写 0 到 100 之间的数字", en="write a number from 0 to 100"),
    "decimal": Text(zh="请填写非负数字", en="write a number, 0 or more"),
    "year": Text(
        zh=f"请填写 {YEARS[0]} 至 {YEARS[1]} 之间的年份，如 2022",
        en=f"write a year from {YEARS[0]} to {YEARS[1]}, e.g. 2022",
    ),
}


def _validation(
    sheet: Worksheet, spec: ColumnSpec, letter: str, lang: Lang, choosing: bool
) -> None:
    """The column's input prompt, and its check where it has one."""
    from openpyxl.worksheet.datavalidation import DataValidation

    area = f"{letter}3:{letter}{DATA_ROWS + 2}"
    kind: str = "choice" if spec.kind in ("choice", "yesno") else spec.kind
    if _is_year(spec):
        kind = "year"
        validation = DataValidation(
            type="whole",
            operator="between",
            formula1=str(YEARS[0]),
            formula2=str(YEARS[1]),
            allow_blank=True,
        )
    elif kind == "choice":
        validation = DataValidation(
            type="list", formula1='"' + ",".join(spec.options(lang)) + '"', allow_blank=True
        )
    elif kind == "integer":
        validation = DataValidation(
            type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True
        )
    elif kind == "percent":
        validation = DataValidation(
            type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True
        )
    elif kind == "decimal":
        validation = DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True
        )
    else:
        validation = DataValidation(allow_blank=True)  # a prompt only
    error = _ERRORS.get(kind)
    if error is not None:
        validation.error = error.get(lang).format(
            choices=("、" if lang == "zh" else ", ").join(spec.options(lang))
        )
        validation.errorTitle = "输入有误" if lang == "zh" else "not accepted"
        validation.showErrorMessage = True
    validation.promptTitle, validation.prompt = _prompt(spec, lang, choosing)
    validation.showInputMessage = True
    validation.add(area)
    sheet.add_data_validation(validation)


def _rules_text(spec: ColumnSpec, lang: Lang) -> tuple[str, str]:
    """The rules that read a column, each once, and their sources, each once."""
    labels = list(dict.fromkeys(label.get(lang) for _rid, label, _src in spec.rules))
    sources = list(
        dict.fromkeys(f"{src.section}「{src.quote}」" for _rid, _label, src in spec.rules)
    )
    sep = "；" if lang == "zh" else "; "
    return sep.join(labels), sep.join(sources)


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
        [
            f"{pack.definition.label.get(lang)} · 填报模板"
            if zh
            else f"{pack.definition.label.get(lang)} · input template"
        ],
        [doc.title],
        [
            (
                "每个工作表填写一类记录，一行一条；第 1 行是列名，带 * 的为必填（结对范围决定适用的考核细则，"
                "评分时必填）；隐藏的第 2 行供程序识别，请勿修改或删除。选中单元格可看到填写提示；"
                "“示例”工作表是一行填好的示例，不会被读取。未填写的数量按未填报计（不得分）。"
                "乡镇/街道、学段两列可选，填写后评分报告可按其分组汇总。"
            )
            if zh
            else "Fill one kind of record per sheet, one row each; row 1 holds the headers "
            "(* = required; the scope chooses the rubric and is needed to score); hidden row 2 "
            "is for the program: do not change or delete it. Select a cell to see what to "
            "write; the example sheet shows one filled row and is never read. An empty count "
            "means not reported (no points). The town and stage columns are optional; filled "
            "in, a score report can be broken down by them."
        ],
        [
            f"规则包版本 {pack.ref}（内容哈希 {pack.content_hash}）"
            if zh
            else f"pack {pack.ref} (content hash {pack.content_hash})"
        ],
        [],
    ]
    header = (
        ["工作表", "列名", "填写要求", "用于以下规则", "出处"]
        if zh
        else ["sheet", "column", "how to fill", "rules", "source"]
    )
    lines.append(header)
    for collection, model, columns in sheets:
        title = sheet_title(model, collection, lang)
        choosing = choosing_fields(pack, collection)
        for spec in columns:
            _title, how = _prompt(spec, lang, spec.key in choosing)
            rules, sources = _rules_text(spec, lang)
            lines.append([title, spec.header(lang), how, rules, sources])
    for r, row in enumerate(lines, start=1):
        for c, value in enumerate(row, start=1):
            put(sheet, r, c, value)
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[6]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (12, 26, 40, 40, 80), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=7):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A7"
