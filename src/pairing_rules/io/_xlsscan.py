"""An old-format workbook (.xls: BIFF8 records in an OLE compound file) checked before any
reader sees it.

The compound file is walked as a reader walks it (header, sector allocation
tables, directory, the ``Workbook`` stream), with every chain of sectors checked
to stay inside the file and never to loop; then the workbook's records are
scanned for what :mod:`._sheetscan` finds in the other formats: each sheet's
used range (cells and the sizes the sheet declares), its error cells, its
percentage-formatted cells and its merged ranges.  A workbook protected by a
password says so.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Final

from .._location import Location
from ._errors import InputError
from ._sheetscan import SheetScan, check_range, shows_percent

CFB_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENDOFCHAIN: Final = 0xFFFFFFFE
_RESERVED: Final = 0xFFFFFFFA
_DIFSECT: Final = 0xFFFFFFFC
_STREAMS: Final = ("Workbook", "Book", "WORKBOOK", "BOOK")
_ERRORS: Final = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}


class _Cfb:
    """The parts of a compound file a reader uses, each checked."""

    def __init__(self, data: bytes, where: Location) -> None:
        self.data, self.where = data, where
        if len(data) < 512 or not data.startswith(CFB_MAGIC):
            raise self.bad("not a compound file")
        shift = struct.unpack_from("<H", data, 30)[0]
        if shift not in (9, 12) or struct.unpack_from("<H", data, 32)[0] != 6:
            raise self.bad("sector size")
        self.size = 1 << shift
        self.sectors = len(data) // self.size
        fat_len, dir_start = struct.unpack_from("<LL", data, 44)
        mini_start, mini_len, difat_start = struct.unpack_from("<LLL", data, 60)
        # a reader reserves room for these counts before reading: keep them within the file
        odd_count = struct.unpack_from("<L", data, 62)[0]
        if fat_len > self.sectors or mini_len > self.sectors or odd_count > 1 << 24:
            raise self.bad("header counts")
        difat = list(struct.unpack_from("<109L", data, 76))
        seen: set[int] = set()
        sector = difat_start
        while sector < _RESERVED:
            if sector in seen or len(seen) > self.sectors:
                raise self.bad("a loop in the allocation table")
            seen.add(sector)
            entries = list(struct.unpack_from(f"<{self.size // 4}L", self._sector(sector)))
            difat.extend(entries[:-1])
            sector = entries[-1]
        self.fat: list[int] = []
        for sector in difat:
            if sector < _DIFSECT:
                self.fat.extend(struct.unpack_from(f"<{self.size // 4}L", self._sector(sector)))
        directory = self._chain(dir_start, self.fat, None, self.size)
        self.entries: list[tuple[str, int, int]] = []
        for n in range(0, len(directory) - 127, 128):
            raw = directory[n : n + 128]
            name = raw[:64].decode("utf-16-le", "replace").split("\x00", 1)[0]
            start = struct.unpack_from("<L", raw, 116)[0]
            length = struct.unpack_from("<Q" if self.size == 4096 else "<L", raw, 120)[0]
            self.entries.append((name, start, length))
        if not self.entries:
            raise self.bad("an empty directory")
        self.mini: bytes = b""
        self.mini_fat: list[int] = []
        if mini_len > 0:
            root_start, root_len = self.entries[0][1], self.entries[0][2]
            if root_len > len(data):
                raise self.bad("the mini stream's size")
            self.mini = self._chain(root_start, self.fat, root_len, self.size)
            table = self._chain(mini_start, self.fat, mini_len * self.size, self.size)
            self.mini_fat = list(struct.unpack_from(f"<{len(table) // 4}L", table))

    def bad(self, detail: str) -> InputError:
        from ._zipcheck import damaged

        return damaged(self.where, detail)

    def _sector(self, sector: int) -> bytes:
        start = (sector + 1) * self.size
        if sector >= self.sectors or start + self.size > len(self.data) + self.size:
            raise self.bad("a sector beyond the end of the file")
        return self.data[start : start + self.size]

    def _chain(self, start: int, fat: list[int], length: int | None, size: int) -> bytes:
        """The sectors of a chain, in order, checked to stay in range and never loop."""
        parts: list[bytes] = []
        seen: set[int] = set()
        got = 0
        sector = start
        mini = size == 64
        while sector != _ENDOFCHAIN:
            if sector in seen or sector >= len(fat):
                raise self.bad("a broken or looping sector chain")
            seen.add(sector)
            if mini:
                chunk = self.mini[sector * 64 : sector * 64 + 64]
                if len(chunk) < 64 and length is None:
                    raise self.bad("a mini sector beyond the mini stream")
            else:
                chunk = self._sector(sector)
            parts.append(chunk)
            got += len(chunk)
            if length is not None and got >= length:
                break
            sector = fat[sector]
        out = b"".join(parts)
        if length is not None:
            if len(out) < length:
                raise self.bad("a stream shorter than its declared size")
            out = out[:length]
        return out

    def stream(self, name: str) -> bytes | None:
        for entry, start, length in self.entries:
            if entry == name:
                if length > len(self.data):
                    raise self.bad(f"the size of {name}")
                if length < 4096:
                    return self._chain(start, self.mini_fat, length, 64)
                return self._chain(start, self.fat, length, self.size)
        return None

    def names(self) -> set[str]:
        return {name for name, _start, _length in self.entries}


def is_encrypted_package(data: bytes) -> bool:
    """Whether a compound file is an encrypted Office Open XML workbook."""
    return "EncryptedPackage".encode("utf-16-le") in data


def scan_xls(data: bytes, where: Location, max_rows: int) -> dict[str, SheetScan]:
    """Check an .xls workbook and scan every sheet, by name.

    :raises InputError: when the file is damaged, encrypted, or a sheet's range too large.
    """
    from ._zipcheck import encrypted

    cfb = _Cfb(data, where)
    names = cfb.names()
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        raise encrypted(where)
    stream = None
    for name in _STREAMS:
        stream = cfb.stream(name)
        if stream is not None:
            break
    if stream is None:
        raise cfb.bad("no Workbook stream")
    sheets: list[tuple[int, str]] = []
    formats: dict[int, str] = {}
    xfs: list[int] = []
    for typ, body in _records(stream, 0, where):
        if typ == 0x002F and len(body) >= 2 and struct.unpack_from("<H", body)[0] != 0:
            raise encrypted(where)
        if typ == 0x0085 and len(body) >= 8:
            sheets.append((struct.unpack_from("<L", body)[0], _short_string(body[6:])))
        elif typ == 0x041E and len(body) >= 5:
            formats[struct.unpack_from("<H", body)[0]] = _long_string(body[2:])
        elif typ == 0x00E0 and len(body) >= 4:
            xfs.append(struct.unpack_from("<H", body, 2)[0])
        elif typ == 0x000A:
            break
    percent_xf = frozenset(
        n for n, f in enumerate(xfs) if f in (9, 10) or shows_percent(formats.get(f, ""))
    )
    out: dict[str, SheetScan] = {}
    for offset, name in sheets:
        if offset >= len(stream):
            raise cfb.bad(f"sheet {name}")
        out[name] = _scan_sheet(stream, offset, where, max_rows, percent_xf)
    return out


def _scan_sheet(
    stream: bytes, offset: int, where: Location, max_rows: int, percent_xf: frozenset[int]
) -> SheetScan:
    scan = SheetScan()
    depth, seen_bof = 0, False

    def cell(row: int, col: int, xf: int | None = None) -> None:
        scan.extend(row, col)
        if xf is not None and xf in percent_xf:
            scan.percent.add((row, col))

    for typ, body in _records(stream, offset, where):
        if depth > 0:
            depth += 1 if typ == 0x0809 else -1 if typ == 0x000A else 0
            continue
        if typ == 0x0809:
            if seen_bof:
                depth += 1
            seen_bof = True
        elif typ == 0x000A:
            break
        elif typ == 0x0200 and len(body) in (10, 14):
            if len(body) == 14:
                first, last, cfirst, clast = struct.unpack_from("<LLHH", body)
            else:
                first, last, cfirst, clast = struct.unpack_from("<HHHH", body)
            if cfirst > 0xFF or clast < cfirst:
                cfirst = 0
            if last >= 1 and clast >= 1:
                rows = (last - 1 - first + 1) % 2**32
                cols = (clast - 1 - cfirst + 1) % 2**32
            else:
                rows = cols = 1
            declared = SheetScan(rows=rows, columns=cols)
            check_range(declared, where, max_rows)
        elif typ in (0x0203, 0x0204, 0x00D6, 0x027E, 0x00FD) and len(body) >= 6:
            row, col, xf = struct.unpack_from("<HHH", body)
            cell(row, col, xf)
        elif typ == 0x0205 and len(body) >= 8:
            row, col, xf = struct.unpack_from("<HHH", body)
            cell(row, col, xf)
            if body[7] == 1:
                scan.errors[(row, col)] = _ERRORS.get(body[6], "#VALUE!")
        elif typ == 0x0006 and len(body) >= 20:
            row, col, xf = struct.unpack_from("<HHH", body)
            cell(row, col, xf)
            if body[12:14] == b"\xff\xff" and body[6] == 2:
                scan.errors[(row, col)] = _ERRORS.get(body[8], "#VALUE!")
        elif typ == 0x00BD and len(body) >= 6:
            row, first = struct.unpack_from("<HH", body)
            last = struct.unpack_from("<H", body, len(body) - 2)[0]
            if last < first or len(body) != 6 + 6 * (last - first + 1):
                raise _bad_record(where, "MulRk")  # a reader refuses it too
            for n, col in enumerate(range(first, last + 1)):
                cell(row, col, struct.unpack_from("<H", body, 4 + 6 * n)[0])
        elif typ == 0x00E5 and len(body) >= 2:
            count = min(struct.unpack_from("<H", body)[0], (len(body) - 2) // 8)
            for n in range(count):
                if 2 + 8 * n + 8 <= len(body):
                    r0, r1, c0, c1 = struct.unpack_from("<HHHH", body, 2 + 8 * n)
                    from ._tabular import column_letter

                    text = f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
                    scan.merged.append((r0, r1, c0, c1, text))
        if scan.rows > max_rows + 10 or scan.columns > 256:
            check_range(scan, where, max_rows)
    check_range(scan, where, max_rows)
    return scan


def _bad_record(where: Location, name: str) -> InputError:
    from ._zipcheck import damaged

    return damaged(where, f"a malformed {name} record")


def _records(stream: bytes, offset: int, where: Location) -> Iterator[tuple[int, bytes]]:
    pos = offset
    while pos + 4 <= len(stream):
        typ, length = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + length]
        if len(body) < length:
            from ._zipcheck import damaged

            raise damaged(where, "a truncated record")
        yield typ, body
        pos += 4 + length


def _short_string(raw: bytes) -> str:
    """A BIFF8 ShortXLUnicodeString: a count of characters, a flags byte, the characters."""
    if len(raw) < 2:
        return ""
    count, flags = raw[0], raw[1]
    body = raw[2:]
    return (
        body[: 2 * count].decode("utf-16-le", "replace")
        if flags & 1
        else body[:count].decode("latin-1")
    )


def _long_string(raw: bytes) -> str:
    """A BIFF8 XLUnicodeString (a two-byte count)."""
    if len(raw) < 3:
        return ""
    count = struct.unpack_from("<H", raw)[0]
    flags = raw[2]
    body = raw[3:]
    return (
        body[: 2 * count].decode("utf-16-le", "replace")
        if flags & 1
        else body[:count].decode("latin-1")
    )
