"""Reading input files: the format is chosen by the file's extension."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from .._dataset import Dataset, load_dataset
from .._i18n import Text
from .._models import Record
from ._errors import InputError


def read_json(path: Path) -> Any:
    """Parse a JSON file (UTF-8, a BOM allowed), with a clear error on bad JSON."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            Text(
                zh=f"JSON 文件不是 UTF-8 编码（第 {exc.start} 字节）",
                en=f"the JSON file is not UTF-8 (byte {exc.start})",
            ),
            str(path),
        ) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            Text(
                zh=f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}",
                en=f"not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}",
            ),
            str(path),
        ) from exc


def _unreadable(path: Path, exc: OSError) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError(Text(zh="文件不存在", en="no such file"), str(path))
    if isinstance(exc, IsADirectoryError):
        return InputError(
            Text(zh="这是一个文件夹，不是文件", en="this is a folder, not a file"), str(path)
        )
    return InputError(Text(zh=f"无法读取文件：{exc}", en=f"cannot read the file: {exc}"), str(path))


INPUT_SUFFIXES: Final = (".json", ".csv", ".xlsx", ".xlsm")


def read_dataset(
    path: str | Path,
    record_types: Mapping[str, type[Record]],
    wanted: Sequence[str],
) -> Dataset:
    """Read and validate an input file; the format is chosen by its extension.

    ``.json`` holds an input object (``{"communities": [...]}``); ``.xlsx`` a
    workbook with one sheet per collection (as ``pairing-rules template``
    makes it); ``.csv`` one collection (UTF-8 with or without BOM, or GBK/GB18030).

    :param record_types: the record type of each collection the reader accepts.
    :param wanted: the collections the caller reads (a CSV file is one of them).
    :raises InputError: when the file cannot be read at all.
    """
    from ._tabular import dataset_from_tables, read_csv_table, read_workbook_tables

    file = Path(path)
    suffix = file.suffix.lower()
    if suffix == ".json":
        return load_dataset(read_json(file), record_types, wanted=wanted)
    if suffix == ".csv":
        return dataset_from_tables([read_csv_table(file)], record_types, wanted, workbook=False)
    if suffix in (".xlsx", ".xlsm"):
        return dataset_from_tables(read_workbook_tables(file), record_types, wanted, workbook=True)
    if suffix in (".xls", ".et", ".wps"):
        raise InputError(
            Text(
                zh=f"不支持旧版 {suffix} 格式：请在 Excel 或 WPS 中另存为 .xlsx",
                en=f"the old {suffix} format is not supported: save the file as .xlsx",
            ),
            str(file),
        )
    raise InputError(
        Text(
            zh=f"不支持的文件类型 {suffix or '（无扩展名）'}；请使用 .json、.csv 或 .xlsx",
            en=f"unsupported file type {suffix or '(no extension)'}; use .json, .csv or .xlsx",
        ),
        str(file),
    )
