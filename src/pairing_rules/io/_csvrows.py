"""CSV rows as offices save them: any line ending, any of the usual encodings, and a
damaged row reported without losing the rows after it.

Excel for Mac saves with CR line endings, Windows with CRLF, other tools with LF,
and a file assembled from several sources mixes them: every one ends a row.  A
quoted cell may hold line breaks (Alt+Enter in Excel); a quote that opens and
never closes, or closes only many rows later, would swallow the following rows
into one cell, so a quoted cell that spans lines is accepted only when its row
then has as many cells as the header: otherwise the row where it started is
reported and reading resumes on the next line.  A cell longer than the csv
module's limit (131,072 characters) is reported the same way.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Final

from .._i18n import Text

_BOM: Final = "\ufeff"
_BOM_UTF8: Final = b"\xef\xbb\xbf"


def decode_csv(data: bytes) -> str | Text:
    """The text of a CSV file: UTF-8 (with or without a BOM, even two), else GB18030
    (GBK's superset); an error message when neither decodes it."""
    while data.startswith(_BOM_UTF8):
        data = data[len(_BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            return Text(
                zh=f"无法识别 CSV 文件的编码（第 {exc.start} 字节）：请另存为 UTF-8 或 GBK 编码",
                en=f"cannot decode the CSV file (byte {exc.start}): save it as UTF-8 or GBK",
            )
    return text.lstrip(_BOM)


def count_lines(text: str) -> int:
    """The physical lines of ``text`` (any line ending), trailing blank lines left out."""
    body = text.rstrip("\r\n")
    if not body:
        return 0
    return body.count("\n") + body.count("\r") - body.count("\r\n") + 1


def _lines(text: str, pos: int, at: list[int]) -> Iterator[str]:
    """The lines of ``text`` from offset ``pos``, each with its ``\\n``; ``at[0]`` is kept at
    the offset after the last line handed out (the text is not copied)."""
    find, end_of_text = text.find, len(text)
    while pos < end_of_text:
        end = find("\n", pos) + 1 or end_of_text
        at[0] = end
        yield text[pos:end]
        pos = end


def csv_rows(text: str) -> Iterator[tuple[int, list[str] | Text]]:
    """``(line index from 0, cells)`` for every row of ``text``, or ``(line, message)`` for a
    row that cannot be read (an unbalanced quote, an over-long cell).

    A blank line gives an empty list.  The first row fixes the expected number of cells.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    width: int | None = None
    first_line, offset = 0, 0
    at = [0]
    while offset < len(text):
        reader = csv.reader(_lines(text, offset, at), strict=True)
        row_start, row_offset = first_line, offset
        try:
            for row in reader:
                line_after = first_line + reader.line_num
                if line_after - row_start > 1 and width is not None and len(row) != width:
                    yield row_start, _unbalanced()
                    break
                if width is None and row:
                    width = len(row)
                yield row_start, row
                row_start, row_offset = line_after, at[0]
            else:
                return
        except csv.Error as exc:
            yield row_start, _unreadable(str(exc))
        # resume on the line after the one where the bad row started
        first_line = row_start + 1
        offset = text.find("\n", row_offset) + 1 or len(text)


def _unbalanced() -> Text:
    return Text(
        zh="本行的引号没有正确闭合，下一行起已重新读取；请检查本行中的双引号",
        en="a quote in this row is not closed; reading resumed on the next line: check the row's double quotes",
    )


def _unreadable(detail: str) -> Text:
    if "field larger than field limit" in detail:
        limit = csv.field_size_limit()
        return Text(
            zh=f"本行有一个单元格超过 {limit} 个字符，未读取",
            en=f"a cell of this row is longer than {limit} characters; the row was not read",
        )
    if "EOF" in detail or "unexpected end of data" in detail:
        return _unbalanced()
    return Text(
        zh=f"本行无法读取（{detail}）：请检查本行中的双引号和分隔符",
        en=f"the row cannot be read ({detail}): check its double quotes and separators",
    )
