"""Reading input files: the format is chosen by the file's extension."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .._i18n import Text
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


def read_input(path: str | Path) -> Any:
    """Read an input file into the input object shape (``{"communities": [...]}``).

    ``.json`` now; the county workflow adds ``.csv`` and ``.xlsx``.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix == ".json":
        return read_json(file)
    raise InputError(
        Text(
            zh=f"不支持的文件类型 {suffix or '（无扩展名）'}；请使用 .json",
            en=f"unsupported file type {suffix or '(no extension)'}; use .json",
        ),
        str(file),
    )
