"""A zip container (.xlsx, .ods) checked before any reader sees it.

Every member is decompressed here, by this code, in bounded steps: the sizes a
zip directory declares can lie, so the limit is checked on the bytes actually
produced, and a member that yields more (or fewer) bytes than it declares, or
whose checksum is wrong, is refused.  Only stored and deflated members are
accepted (the only methods spreadsheet programs write), a name given twice is
refused, and nothing ever decompresses past the limit.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import Final

from .._i18n import Text
from .._location import Location
from ._errors import InputError

_CHUNK: Final = 1 << 16
_LOCAL_HEADER: Final = struct.Struct("<4s2B4HL2L2H")


def damaged(where: Location, detail: str) -> InputError:
    """The error for a workbook whose container is damaged."""
    return InputError(
        Text(
            zh=f"工作簿已损坏，无法读取（{detail}）；请在 Excel 或 WPS 中打开并另存后再试",
            en=f"the workbook is damaged and cannot be read ({detail}); open it in Excel or WPS and save it again",
        ),
        where,
    )


def unpack(data: bytes, where: Location, limit: int) -> dict[str, bytes]:
    """Every member of the zip archive ``data``, decompressed, checked and bounded.

    :param limit: the most bytes all members may hold together once decompressed.
    :raises InputError: when the archive is damaged, uses another compression method,
        names a member twice, or holds more than ``limit`` bytes.
    """
    from ._tabular import too_large

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise damaged(where, str(exc)) from None
    declared = sum(info.file_size for info in infos)
    if declared > limit:
        raise too_large(where, declared, limit, unpacked=True)
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise damaged(where, "a member name occurs twice")
    if infos and min(info.header_offset for info in infos) != 0:
        # data before the archive: another reader may count offsets differently
        raise damaged(where, "data before the first member")
    out: dict[str, bytes] = {}
    budget = limit
    for info in infos:
        if info.flag_bits & 0x1:
            raise encrypted(where)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise damaged(where, f"compression method {info.compress_type} of {info.filename}")
        raw = _raw_member(data, info, where)
        if info.compress_type == zipfile.ZIP_STORED:
            content = raw
        else:
            content = _inflate(raw, min(budget, info.file_size), where, info.filename)
        if len(content) != info.file_size or zlib.crc32(content) != info.CRC:
            raise damaged(where, f"{info.filename} does not match its recorded size or checksum")
        budget -= len(content)
        out[info.filename] = content
    return out


def _raw_member(data: bytes, info: zipfile.ZipInfo, where: Location) -> bytes:
    offset = info.header_offset
    header = data[offset : offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        raise damaged(where, f"the local header of {info.filename} is missing")
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != b"PK\x03\x04":
        raise damaged(where, f"the local header of {info.filename} is missing")
    start = offset + _LOCAL_HEADER.size + fields[10] + fields[11]
    end = start + info.compress_size
    if end > len(data):
        raise damaged(where, f"{info.filename} is truncated")
    return data[start:end]


def _inflate(raw: bytes, allowed: int, where: Location, name: str) -> bytes:
    """Inflate ``raw``, producing at most ``allowed`` bytes (one more means it lied)."""
    inflater = zlib.decompressobj(-15)
    parts: list[bytes] = []
    produced = 0
    pending = raw
    try:
        while not inflater.eof:
            chunk = inflater.decompress(pending, min(_CHUNK, allowed - produced + 1))
            produced += len(chunk)
            if produced > allowed:
                raise damaged(where, f"{name} holds more than it declares")
            parts.append(chunk)
            pending = inflater.unconsumed_tail
            if not chunk and not pending:
                break
    except zlib.error as exc:
        raise damaged(where, f"{name}: {exc}") from None
    if not inflater.eof:
        raise damaged(where, f"{name} ends before its compressed data does")
    return b"".join(parts)


def encrypted(where: Location) -> InputError:
    """The error for a workbook protected by a password."""
    return InputError(
        Text(
            zh="工作簿已加密（设置了打开密码），无法读取；请在 Excel 或 WPS 中取消密码后另存再试",
            en="the workbook is encrypted (it has a password to open); remove the password and save it again",
        ),
        where,
    )
