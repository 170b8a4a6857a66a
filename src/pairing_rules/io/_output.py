"""Where a command may write, decided before it does any work.

The rules, the same for every command that writes a file:

- the place is never one of the files the command reads (the same path once
  resolved, or the same file through a hard or symbolic link): refused, even
  with ``--force``;
- the place is never a folder, a pipe or a device;
- a missing folder on the way is created (and removed again if nothing is written);
- an existing file is replaced by a *report* (``score``, ``check``,
  ``coverage``, ``aggregate``, ``schema``): running a command again replaces
  what it wrote before, but a workbook is replaced only when it is a report
  that pairing-rules wrote, never a filled template or another workbook, unless
  ``--force`` is given; a file that is *made once* (``template``) replaces an
  existing file only with ``--force``.

The file itself is then written through :class:`~pairing_rules.io._atomic.AtomicFile`.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final, Literal

from .._errors import OutputError
from .._i18n import Text

#: replace an existing file (a report), or never without ``--force`` (a template)
Policy = Literal["report", "new"]
#: suffixes of files a person fills in: replaced only when pairing-rules wrote them as a report
_WORKBOOKS: Final = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".et"})
#: what the workbooks pairing-rules writes as reports say made them
REPORT_APPLICATION: Final = b"<Application>pairing-rules</Application>"


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one file: the same path once resolved, or the same inode.

    :param a: a path (it need not exist).
    :param b: another.
    """
    try:
        if a.resolve() == b.resolve():
            return True
    except (OSError, RuntimeError):
        pass
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def is_report_workbook(path: Path) -> bool:
    """Whether ``path`` is a workbook pairing-rules wrote as a report (and nobody saved since).

    Reads only the zip's directory and its small ``docProps/app.xml``.

    :param path: an existing file.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("docProps/app.xml")
            if info.file_size > 65_536:
                return False
            return REPORT_APPLICATION in archive.read(info)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, NotImplementedError, EOFError):
        return False


def check_target(
    out: str | Path,
    *,
    reads: Iterable[str | Path | None] = (),
    force: bool = False,
    policy: Policy = "report",
    suffixes: Sequence[str] = (),
) -> Path:
    """Refuse a place the command must not write to; return it as a path.

    :param out: the file to be written.
    :param reads: the files the command reads (``None`` entries are skipped).
    :param force: replace an existing file the policy would keep.
    :param policy: ``"report"``: replace an earlier output; ``"new"``: never replace
        an existing file without ``force``.
    :param suffixes: the suffixes the file may have (lower case; ``""`` for none);
        empty: any.
    :raises OutputError: with the reason, in Chinese and English.
    """
    target = Path(out)
    for source in reads:
        if source is not None and same_file(target, Path(source)):
            raise OutputError.is_input(target, source)
    if target.is_dir():
        raise OutputError.is_folder(target)
    if suffixes and target.suffix.lower() not in suffixes:
        shown = [s for s in suffixes if s]
        raise OutputError(
            Text(
                zh=f"--out 只支持 {'、'.join(shown)} 文件，收到 {str(out)!r}",
                en=f"--out writes {', '.join(shown)} files, got {str(out)!r}",
            )
        )
    try:
        info = target.stat()
    except FileNotFoundError:
        _probe(target)
        return target
    except NotADirectoryError:
        raise OutputError.not_a_folder(_first_file(target.parent)) from None
    except OSError as exc:
        raise OutputError.cannot_write(target, exc) from exc
    if stat.S_ISDIR(info.st_mode):
        raise OutputError.is_folder(target)
    if not stat.S_ISREG(info.st_mode):
        raise OutputError.not_regular(target)
    if not force:
        if policy == "new":
            raise OutputError.exists(target)
        if target.suffix.lower() in _WORKBOOKS and not is_report_workbook(target):
            raise OutputError.not_a_report(target)
    _probe(target)
    return target


def _probe(target: Path) -> None:
    """Refuse now a folder no file can be made in (no permission, a read-only disk), rather
    than after the work: a file is made in the nearest existing folder and removed."""
    import tempfile

    folder = target.parent
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    if not folder.is_dir():
        raise OutputError.not_a_folder(_first_file(target.parent))
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError.cannot_write(target, exc) from exc
    os.close(handle)
    os.unlink(name)


def _first_file(folder: Path) -> Path:
    """The part of ``folder`` that is a file (for the message), or ``folder`` itself."""
    for part in (*reversed(folder.parents), folder):
        if part.exists() and not part.is_dir():
            return part
    return folder
