"""A whole table file read at once into Polars: an activity log or a community table.

The table path (:func:`pairing_rules.aggregate_log`, :func:`pairing_rules.score_table`)
works on whole columns; this reads ``.parquet``, ``.csv`` and ``.json`` files into
one frame under the same limits and with the same errors as the record readers.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._frames import require
from .._i18n import Text
from .._lazy import LazyModule

if TYPE_CHECKING:
    import polars as pl
else:  # resolved by typing.get_type_hints, never imported before it is used
    pl = LazyModule("polars")


def read_table(path: str | Path) -> pl.DataFrame:
    """Read a log or a community table: ``.parquet``, ``.csv`` (UTF-8 or GBK, any line
    endings) or ``.json`` (a list of rows, or ``{"communities": [...]}``).

    The readers' limits apply: a regular file only, at most ``PAIRING_RULES_MAX_BYTES``
    and ``PAIRING_RULES_MAX_ROWS`` rows.

    :raises InputError: when the file cannot be read, is too large or empty, or a CSV row
        cannot be read (named by its line).
    """
    require("polars")
    import io

    import polars as pl

    from .._errors import InputError
    from .._location import Location
    from ._tabular import folder_error, max_rows, read_input_bytes, too_many_rows

    file = Path(path)
    suffix = file.suffix.lower()
    where = Location(file=str(file))
    if suffix not in (".parquet", ".csv", ".json"):
        if file.is_dir():
            raise folder_error(where)
        raise InputError(
            Text(
                zh=f"不支持的文件类型 {suffix or '（无扩展名）'}；请使用 .parquet、.csv 或 .json",
                en=f"unsupported file type {suffix or '(no extension)'}; use .parquet, .csv or .json",
            ),
            where,
        )
    data = read_input_bytes(file)
    limit = max_rows()
    try:
        if suffix == ".parquet":
            frame: pl.DataFrame = pl.read_parquet(io.BytesIO(data), n_rows=limit + 1)
        elif suffix == ".csv":
            frame = _csv_frame(data, where)
        else:
            from ._readers import read_json

            parsed = read_json(file)
            rows = parsed.get("communities") if isinstance(parsed, dict) else parsed
            if not isinstance(rows, list):
                raise InputError(
                    Text(
                        zh='JSON 应为一个数组或 {"communities": [...]}',
                        en='the JSON must be a list or {"communities": [...]}',
                    ),
                    where,
                )
            if len(rows) > limit:
                raise too_many_rows(where, limit)
            frame = pl.DataFrame(rows, infer_schema_length=None)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(
            Text(zh=f"无法读取文件：{exc}", en=f"cannot read the file: {exc}"), where
        ) from exc
    if frame.height > limit:
        raise too_many_rows(where, limit)
    return frame


def _csv_frame(data: bytes, where: Any) -> pl.DataFrame:
    """A CSV file's rows as text columns (blank cells null), read as :mod:`pairing_rules.io`
    reads CSV: any line ending, a damaged row named by its line."""
    import polars as pl

    from .._errors import InputError
    from ._csvrows import csv_rows, decode_csv
    from ._tabular import max_rows, too_many_rows

    text = decode_csv(data)
    if isinstance(text, Text):
        raise InputError(text, where)
    if not text.strip():
        raise InputError(
            Text(zh="文件为空，没有任何数据", en="the file is empty: there is no data"), where
        )
    limit = max_rows()
    header: list[str] | None = None
    columns: list[list[str | None]] = []
    for line, cells in csv_rows(text):
        if isinstance(cells, Text):
            raise InputError(
                Text(zh=f"第 {line + 1} 行：{cells.zh}", en=f"line {line + 1}: {cells.en}"), where
            )
        if header is None:
            if cells:
                header = [c.strip() for c in cells]
                twice = sorted({c for c in header if header.count(c) > 1})
                if twice:
                    raise InputError(
                        Text(
                            zh=f"列重复：{'、'.join(twice)}",
                            en=f"duplicated columns: {', '.join(twice)}",
                        ),
                        where,
                    )
                columns = [[] for _ in header]
            continue
        if not cells or not any(c.strip() for c in cells):
            continue
        if len(columns[0]) >= limit:
            raise too_many_rows(where, limit)
        for n, column in enumerate(columns):
            value = cells[n] if n < len(cells) else ""
            column.append(value if value != "" else None)
    if header is None:
        raise InputError(
            Text(zh="文件为空，没有任何数据", en="the file is empty: there is no data"), where
        )
    return pl.DataFrame(
        dict(zip(header, columns, strict=True)),
        schema=dict.fromkeys(header, pl.Utf8),
    )
