"""Errors caused by a user's input or an output that cannot be written: reported in Chinese
and English, never as a traceback."""

from __future__ import annotations

import errno
from typing import Final

from ._i18n import Lang, Text
from ._location import Location


class InputError(Exception):
    """An input that cannot be read at all (not a file, not JSON, wrong shape …).

    :param message: what is wrong, in Chinese and English.
    :param location: the file (and sheet, row, column) it concerns: a :class:`Location`,
        or a text (shown as it is in both languages).
    """

    def __init__(self, message: Text, location: str | Location | None = None) -> None:
        super().__init__(f"{message.zh} / {message.en}")
        self.text = message
        #: the place as a structured :class:`Location`, when known
        self.loc = location if isinstance(location, Location) else None
        #: the place in Chinese (as it always was)
        self.location = location.render("zh") if isinstance(location, Location) else location

    def render(self, lang: Lang = "zh") -> str:
        where = self.loc.render(lang) if self.loc is not None else self.location
        if not where:
            return self.text.get(lang)
        return f"{where}{'：' if lang == 'zh' else ': '}{self.text.get(lang)}"


#: what an error number means, in Chinese and English
_REASONS: Final[dict[int, tuple[str, str]]] = {
    errno.ENOSPC: ("磁盘空间已满", "no space left on the disk"),
    errno.EDQUOT: ("超出磁盘配额", "disk quota exceeded"),
    errno.EACCES: ("没有写入权限", "permission denied"),
    errno.EPERM: ("没有写入权限", "permission denied"),
    errno.EROFS: ("只读的文件系统", "read-only file system"),
    errno.ENOENT: ("路径不存在", "no such folder"),
    errno.ENOTDIR: ("路径中有一部分不是文件夹", "a part of the path is not a folder"),
    errno.EISDIR: ("是一个文件夹", "it is a folder"),
    errno.ENAMETOOLONG: ("文件名过长", "the file name is too long"),
    errno.EIO: ("读写设备出错", "input/output error"),
}


class OutputError(Exception):
    """A file that will not, or cannot, be written; the previous file at the place is unchanged.

    :param message: what is wrong, in Chinese and English.
    """

    def __init__(self, message: Text) -> None:
        super().__init__(f"{message.zh} / {message.en}")
        self.text = message

    def render(self, lang: Lang = "zh") -> str:
        return self.text.get(lang)

    @classmethod
    def cannot_write(cls, path: object, exc: OSError) -> OutputError:
        """Writing ``path`` failed with ``exc`` (a full disk, no permission …)."""
        zh, en = _REASONS.get(exc.errno or 0, (exc.strerror or str(exc),) * 2)
        return cls(
            Text(
                zh=f"无法写入 {path}（{zh}）；原有文件（如有）未改动",
                en=f"cannot write {path} ({en}); any previous file there is unchanged",
            )
        )

    @classmethod
    def is_folder(cls, path: object) -> OutputError:
        return cls(
            Text(
                zh=f"{path} 是一个文件夹，不能写成文件；请给出文件名",
                en=f"{path} is a folder, not a file: give a file name",
            )
        )

    @classmethod
    def not_a_folder(cls, path: object) -> OutputError:
        return cls(
            Text(
                zh=f"{path} 不是文件夹，无法在其中写入文件",
                en=f"{path} is not a folder: no file can be written in it",
            )
        )

    @classmethod
    def not_regular(cls, path: object) -> OutputError:
        return cls(
            Text(
                zh=f"{path} 已存在且不是普通文件（管道、设备等），不会写入",
                en=f"{path} exists and is not a regular file (a pipe, a device …): "
                "nothing is written to it",
            )
        )

    @classmethod
    def is_input(cls, path: object, source: object) -> OutputError:
        return cls(
            Text(
                zh=f"{path} 就是本次读取的文件 {source}，输入文件从不被覆盖；请换一个输出文件名",
                en=f"{path} is the file {source} this command reads: an input is never "
                "overwritten; choose another name for the output",
            )
        )

    @classmethod
    def exists(cls, path: object) -> OutputError:
        return cls(
            Text(
                zh=f"{path} 已存在，未覆盖；确需覆盖请加 --force",
                en=f"{path} already exists and was left as it is; add --force to replace it",
            )
        )

    @classmethod
    def not_a_report(cls, path: object) -> OutputError:
        return cls(
            Text(
                zh=f"{path} 已存在，且不是 pairing-rules 写出的报告（可能是填好的模板或其他工作簿），"
                "未覆盖；确需覆盖请加 --force",
                en=f"{path} exists and is not a report pairing-rules wrote (a filled template or "
                "another workbook?); it was left as it is: add --force to replace it",
            )
        )
