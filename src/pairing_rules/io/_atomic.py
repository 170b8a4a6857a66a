"""Files written whole or not at all: a temporary file beside the target, renamed into place.

Every file the command line writes goes through :class:`AtomicFile`.  On any
failure (a full disk, Ctrl-C, a writer's error) the previous file at the
target is left as it was, the temporary file is removed, and so are the
folders made for it; the file appears, with its full content on disk
(``fsync``), only when it is complete.  A failure to write is an
:class:`~pairing_rules._errors.OutputError` naming the file, in Chinese and
English.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final

from .._errors import OutputError

#: the temporary file's buffer: a report is written a record (a few kilobytes) at a time, and
#: the kernel takes the same bytes in about half the time in pieces this large
#: (``benchmarks/write_buffer.py``)
WRITE_BUFFER: Final = 4 << 20


def _open(handle: int) -> IO[bytes]:
    """The temporary file's byte stream (replaced in tests to simulate a full disk)."""
    return os.fdopen(handle, "wb", buffering=WRITE_BUFFER)


class _Guarded:
    """A byte stream whose failures to write name the file being written."""

    def __init__(self, raw: IO[bytes], target: Path) -> None:
        self._raw = raw
        self._target = target

    def write(self, data: Any) -> int:
        try:
            return self._raw.write(data)
        except OSError as exc:
            raise OutputError.cannot_write(self._target, exc) from exc

    def flush(self) -> None:
        try:
            self._raw.flush()
        except OSError as exc:
            raise OutputError.cannot_write(self._target, exc) from exc

    def __getattr__(self, name: str) -> Any:  # seek, tell, seekable, fileno, closed …
        return getattr(self._raw, name)


def make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and any missing parents; return those created, deepest first.

    :param folder: the folder a file is to be written in.
    :raises OutputError: when a part of the path is a file, or a folder cannot be made.
    """
    missing: list[Path] = []
    current = folder
    while not current.exists():
        if current.is_symlink():  # a link to nowhere: not made through
            raise OutputError.not_a_folder(current)
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    if current.exists() and not current.is_dir():
        raise OutputError.not_a_folder(current)
    made: list[Path] = []
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            continue
        except OSError as exc:
            remove_folders(made[::-1])
            raise OutputError.cannot_write(path, exc) from exc
        made.append(path)
    return made[::-1]


def remove_folders(folders: list[Path]) -> None:
    """Remove the folders :func:`make_folders` made (deepest first), where still empty.

    :param folders: what :func:`make_folders` returned.
    """
    for path in folders:
        try:
            path.rmdir()
        except OSError:
            break


class AtomicFile:
    """A file written to a temporary name beside ``path`` and renamed into place by :meth:`commit`.

    Use it as a context manager (committed when the block ends normally, discarded
    otherwise), or call :meth:`commit` and :meth:`discard` yourself.  A missing
    folder is created (and removed again if the file is discarded).

    :param path: the file to write.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise OutputError.is_folder(self.path)
        self._made = make_folders(self.path.parent)
        try:
            handle, name = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
            )
        except OSError as exc:
            remove_folders(self._made)
            raise OutputError.cannot_write(self.path, exc) from exc
        self.temporary = Path(name)
        self._raw = _open(handle)
        #: the stream to write to
        self.file: IO[bytes] = _Guarded(self._raw, self.path)  # type: ignore[assignment]

    def __enter__(self) -> IO[bytes]:
        return self.file

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    def commit(self) -> Path:
        """Put the file in place (with the permissions of an ordinary new file)."""
        try:
            try:
                self._raw.flush()
                os.fsync(self._raw.fileno())
            finally:
                self._raw.close()
            publish(self.temporary, self.path)
            self._made = []
        except BaseException as exc:
            self.discard()
            if isinstance(exc, OSError):
                raise OutputError.cannot_write(self.path, exc) from exc
            raise
        return self.path

    def discard(self) -> None:
        """Remove the temporary file (and the folders made for it); the target is not touched."""
        try:
            if not self._raw.closed:
                self._raw.close()
        except OSError:
            pass  # a full disk again while flushing what is thrown away
        finally:
            self.temporary.unlink(missing_ok=True)
            remove_folders(self._made)
            self._made = []


def publish(temporary: Path | str, target: Path) -> None:
    """Rename ``temporary`` to ``target``, with the permissions an ordinary new file gets."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(temporary, 0o666 & ~mask)  # not mkstemp's 0600
    os.replace(temporary, target)


def write_bytes(data: bytes, path: str | Path) -> Path:
    """Write ``data`` to ``path`` whole or not at all.

    :param data: the file's content.
    :param path: where it goes.
    """
    out = AtomicFile(path)
    with out as file:
        file.write(data)
    return out.path


def write_text(text: str, path: str | Path, *, errors: str = "strict") -> Path:
    """Write ``text`` (UTF-8) to ``path`` whole or not at all.

    :param text: the file's content.
    :param path: where it goes.
    :param errors: what becomes of a lone surrogate (which a JSON input can hold and
        UTF-8 cannot): ``"backslashreplace"`` writes JSON's own escape (``\\ud800``, the
        same JSON value), ``"xmlcharrefreplace"`` HTML's character reference.
    """
    return write_bytes(text.encode("utf-8", errors), path)
