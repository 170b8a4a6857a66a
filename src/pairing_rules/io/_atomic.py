"""Files written whole or not at all: a temporary file beside the target, renamed into place.

On any failure (a full disk, Ctrl-C, a writer's error) the previous file at
the target is left as it was and no partial file remains.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO


class AtomicFile:
    """A file written to a temporary name beside ``path`` and renamed into place by :meth:`commit`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        self.temporary = Path(name)
        self.file: IO[bytes] = os.fdopen(handle, "wb")

    def commit(self) -> Path:
        """Put the file in place (with the permissions of an ordinary new file)."""
        self.file.close()
        publish(self.temporary, self.path)
        return self.path

    def discard(self) -> None:
        """Remove the temporary file; the target is not touched."""
        if not self.file.closed:
            self.file.close()
        self.temporary.unlink(missing_ok=True)


def publish(temporary: Path | str, target: Path) -> None:
    """Rename ``temporary`` to ``target``, with the permissions an ordinary new file gets."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(temporary, 0o666 & ~mask)  # not mkstemp's 0600
    os.replace(temporary, target)


def write_bytes(data: bytes, path: str | Path) -> Path:
    """Write ``data`` to ``path`` whole or not at all."""
    out = AtomicFile(path)
    try:
        out.file.write(data)
        return out.commit()
    except BaseException:
        out.discard()
        raise


def write_text(text: str, path: str | Path) -> Path:
    """Write ``text`` (UTF-8) to ``path`` whole or not at all."""
    return write_bytes(text.encode("utf-8"), path)
