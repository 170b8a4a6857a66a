"""Errors: every one has a stable ``code``, a place, a message in Chinese and English, and a value.

:data:`ERROR_CODES` lists every code the library uses (the documentation's table
of error codes is made from it, and a test fails when a code is used but not
listed).  A public exception carries its code and the rest as attributes
(:class:`ErrorInfo`); :meth:`ErrorInfo.detail` gives them as an
:class:`ErrorDetail`, the JSON of an error in every report and API answer.
"""

from __future__ import annotations

import errno
from typing import Annotated, Any, Final

from pydantic import BaseModel, ConfigDict, PlainSerializer

from ._i18n import Lang, Text
from ._location import Location

#: every error code: ``code → (when, in Chinese; when, in English; what it concerns)``;
#: what it concerns is ``record`` (a rejected record: the others are processed),
#: ``file`` (an input file as a whole), ``request`` (a call's or a request's arguments)
#: or ``pack`` (the installed packs)
ERROR_CODES: Final[dict[str, tuple[str, str, str]]] = {
    # a field of a record
    "missing": ("必填字段缺失", "a required field is missing", "record"),
    "unknown_field": (
        "不是已知字段（列名拼写有误？）",
        "not a known field (a misspelt column?)",
        "record",
    ),
    "value_too_small": ("数值小于下限", "a number below its lower bound", "record"),
    "value_too_large": ("数值大于上限", "a number above its upper bound", "record"),
    "not_an_integer": ("应为整数", "not a whole number", "record"),
    "not_a_number": ("应为数字", "not a number", "record"),
    "not_yes_no": ("应为“是”或“否”", "not yes or no", "record"),
    "not_an_option": ("不是可选值之一", "not one of the allowed values", "record"),
    "empty": ("不能为空", "empty where text is required", "record"),
    "not_text": ("应为文字", "not text", "record"),
    "not_a_date": ("应为日期", "not a date", "record"),
    "wrong_shape": ("格式不正确（列表、对象）", "the wrong shape (a list, an object)", "record"),
    "exceeds_field": (
        "大于另一字段（如派出教师多于教师总数）",
        "larger than another field it may not exceed",
        "record",
    ),
    "percent_fraction": (
        "百分比写成了小数（是否应为 95%？）",
        "a percentage written as a fraction (95%?)",
        "record",
    ),
    "yes_no_as_number": ("数量字段填了是/否", "a yes/no value where a number is due", "record"),
    "spreadsheet_error": (
        "电子表格错误值（#DIV/0! 等）",
        "a spreadsheet error value (#DIV/0! …)",
        "record",
    ),
    "formula_without_value": (
        "公式没有缓存的计算结果",
        "a formula without a cached value",
        "record",
    ),
    "invalid_value": (
        "取值无效（说明中写明原因）",
        "an invalid value (the message says why)",
        "record",
    ),
    # a record as a whole
    "not_a_record": ("记录不是对象（键值对）", "a record that is not an object", "record"),
    "duplicate_id": ("编号与前面的记录重复", "an id (or key) given by an earlier record", "record"),
    "duplicate_key": ("JSON 中同一字段出现两次", "a key given twice in a JSON record", "record"),
    "too_deep": ("JSON 记录嵌套过深", "a JSON record nested too deeply", "record"),
    "merged_cells": ("本行位于合并单元格中", "a row inside merged cells", "record"),
    "no_rubric": ("没有适用于该记录的考核细则", "no rubric applies to the record", "record"),
    "outside_period": (
        "记录的年度不在规则包的适用期内（可用 --outside-period 仍按其处理）",
        "the record's year is outside the pack's period (--outside-period processes it anyway)",
        "record",
    ),
    "year_required": (
        "按系列处理时记录须填年度，才能选用当年的规则包",
        "a record of a series needs a year, to choose the pack of its year",
        "record",
    ),
    "unknown_community": (
        "活动日志中的教共体不在名单中",
        "a log row's community is not in the table",
        "record",
    ),
    # a file or an input object as a whole
    "unreadable_input": (
        "无法读取输入（说明中写明原因）",
        "an input that cannot be read (the message says why)",
        "file",
    ),
    "file_not_found": ("文件不存在", "no such file", "file"),
    "file_too_large": ("文件过大", "a file over the size limit", "file"),
    "too_many_rows": ("数据行超过上限", "more data rows than the limit", "file"),
    "unsupported_file_type": ("不支持的文件类型", "a file type that is not read", "file"),
    "not_json": ("不是有效的 JSON", "not valid JSON", "file"),
    "not_an_object": ("输入不是一个 JSON 对象", "an input that is not a JSON object", "file"),
    "unknown_collection": ("未知的数据集合", "an unknown collection", "file"),
    "not_a_list": ("数据集合不是数组", "a collection that is not an array", "file"),
    "no_records": ("输入中没有任何记录", "an input without records", "file"),
    "no_data_sheet": ("找不到数据工作表", "no sheet named after a collection", "file"),
    # a call's or a request's arguments
    "wrong_argument_type": ("参数类型错误", "an argument of the wrong type", "request"),
    "unknown_rubric": ("规则包没有该考核细则", "the pack has no such rubric", "request"),
    "unknown_quota_table": ("规则包没有该定额表", "the pack has no such quota table", "request"),
    "unknown_table": ("规则包没有该参考表", "the pack has no such reference table", "request"),
    "unknown_row": (
        "表中没有该行（行号从 0 起）",
        "the table has no such row (rows count from 0)",
        "request",
    ),
    "unknown_interpretation": (
        "规则包没有该解释口径",
        "the pack has no such interpretation",
        "request",
    ),
    "unknown_interpretation_value": (
        "解释口径不接受该取值",
        "a value the interpretation does not accept",
        "request",
    ),
    "bad_assignment": (
        "口径覆盖的格式应为 编号=取值",
        "an override not written ID=VALUE",
        "request",
    ),
    "nothing_to_run": (
        "规则包没有可运行的内容（无考核细则或定额表）",
        "the pack has nothing to run (no rubric, no quota table)",
        "request",
    ),
    "missing_extra": ("需要安装附加依赖", "an optional dependency is not installed", "request"),
    "columnar_error": (
        "整表计算无法处理该表",
        "the table path cannot process the table",
        "request",
    ),
    "request_too_large": ("请求超过大小上限", "a request over the size limit", "request"),
    "too_many_records": ("记录数超过上限", "more records than the limit", "request"),
    "unsupported_format": ("不支持的结果格式", "a result format that is not offered", "request"),
    "unsupported_media_type": (
        "请求体应为 JSON 或上传的文件（multipart/form-data）",
        "a request body neither JSON nor a file upload (multipart/form-data)",
        "request",
    ),
    "invalid_request": ("请求格式不正确", "a request of the wrong shape", "request"),
    "not_found": ("没有这个地址", "no such address", "request"),
    "internal_error": (
        "内部错误（不是输入的问题）",
        "an internal error (not a mistake in the input)",
        "request",
    ),
    # the installed packs
    "unknown_pack": ("没有该规则包", "no pack of that id is installed", "pack"),
    "pack_version_mismatch": (
        "已安装的规则包版本与指定的不同",
        "the installed pack has another version than the one pinned",
        "pack",
    ),
    "pack_load_failed": ("规则包已安装但无法加载", "an installed pack failed to load", "pack"),
    "pack_conflict": (
        "规则包由多个发行包提供，未指定其一",
        "several distributions offer the pack, none chosen",
        "pack",
    ),
    "invalid_pack": ("规则包文件无效", "an invalid pack file", "pack"),
    "unknown_series": ("没有规则包属于该系列", "no installed pack belongs to the series", "pack"),
    "series_invalid": (
        "同一系列的规则包无法组成系列（适用期重叠、记录类型不同等）",
        "the packs of a series cannot form one (overlapping periods, other record types …)",
        "pack",
    ),
    # an output file (the previous file at the place is left unchanged)
    "cannot_write": (
        "无法写入输出文件（磁盘已满、没有权限等）",
        "an output that cannot be written (a full disk, no permission …)",
        "file",
    ),
    "output_exists": (
        "输出文件已存在，未加 --force 不覆盖",
        "an output file that exists and is not replaced without --force",
        "file",
    ),
    "output_is_input": ("输出文件就是输入文件", "an output naming the input file", "file"),
    "output_is_folder": (
        "输出路径是文件夹或不在文件夹中",
        "an output path that is a folder or not inside one",
        "file",
    ),
    "output_not_regular": (
        "输出路径是管道、设备等特殊文件",
        "an output path that is a pipe, a device …",
        "file",
    ),
}


def safe_value(value: Any) -> Any:
    """A value as an error shows it in JSON: a JSON scalar as it is, anything else as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


#: an offending value: kept as it is in Python, a JSON scalar or text in JSON
ErrorValue = Annotated[Any, PlainSerializer(safe_value, when_used="json")]


class ErrorLoc(BaseModel):
    """Where an error is: in a collection of records, a file, or an argument; every part optional.

    :param collection: the collection of records (``communities``).
    :param index: the record's position in its collection, from 0.
    :param file: the input file's name.
    :param sheet: the worksheet, in a workbook.
    :param row: the row as the file numbers it, from 1.
    :param column: the column letter (``B``).
    :param field: the field of a record, or the argument (``rubric``, ``interpretations``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    collection: str | None = None
    index: int | None = None
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None


class ErrorDetail(BaseModel):
    """An error as JSON: its stable code, where it is, what is wrong (zh, en) and the value.

    :param code: one of the codes of the documentation's table (:data:`ERROR_CODES`).
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )

    code: str
    message: Text
    loc: ErrorLoc | None = None
    value: ErrorValue = None


class ErrorInfo(Exception):
    """What every public exception of pairing-rules carries: the base of them all.

    :attr code: the stable error code.
    :attr text: what is wrong, in Chinese and English.
    :attr loc: the file (and sheet, row, column) it concerns, when it concerns a file.
    :attr value: the offending value, when there is one.
    """

    code: str = "invalid_value"
    text: Text
    loc: Location | None = None
    value: Any = None
    #: the argument or field the error concerns, when it is not a place in a file
    field: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled as it is (its message and attributes), not rebuilt through ``__init__``,
        # whose arguments differ from class to class: an error raised in another process (a
        # Dask worker, a server's worker) arrives whole
        return (_rebuilt, (type(self), self.args, self.__dict__))

    def detail(self) -> ErrorDetail:
        """The error as an :class:`ErrorDetail` (its JSON form)."""
        loc = self.loc
        where = None
        if loc is not None or self.field is not None:
            where = ErrorLoc(
                file=loc.file if loc else None,
                sheet=loc.sheet if loc else None,
                row=loc.row if loc else None,
                column=loc.column if loc else None,
                field=self.field,
            )
        return ErrorDetail(code=self.code, message=self.text, loc=where, value=self.value)


def _rebuilt(kind: type[ErrorInfo], args: tuple[Any, ...], state: dict[str, Any]) -> ErrorInfo:
    """An unpickled error: made without its ``__init__``, then given its attributes."""
    error = kind.__new__(kind)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class InputError(ErrorInfo, Exception):
    """An input that cannot be read at all (not a file, not JSON, wrong shape …).

    :param message: what is wrong, in Chinese and English.
    :param location: the file (and sheet, row, column) it concerns: a :class:`Location`,
        or a text (shown as it is in both languages).
    :param code: the error code (default ``unreadable_input``).
    :param value: the offending value, when there is one.
    """

    def __init__(
        self,
        message: Text,
        location: str | Location | None = None,
        *,
        code: str = "unreadable_input",
        value: Any = None,
    ) -> None:
        super().__init__(f"{message.zh} / {message.en}")
        self.text = message
        self.code = code
        self.value = value
        #: the place as a structured :class:`Location`, when known
        self.loc = location if isinstance(location, Location) else None
        #: the place in Chinese (as it always was)
        self.location = location.render("zh") if isinstance(location, Location) else location

    def render(self, lang: Lang = "zh") -> str:
        where = self.loc.render(lang) if self.loc is not None else self.location
        if not where:
            return self.text.get(lang)
        return f"{where}{'：' if lang == 'zh' else ': '}{self.text.get(lang)}"


class ArgumentTypeError(ErrorInfo, TypeError):
    """An argument of the wrong type (``score(pack, "abc")``); code ``wrong_argument_type``.

    :param argument: the parameter's name.
    :param expected: what it takes, in Chinese and English.
    :param value: the value given.
    """

    code = "wrong_argument_type"

    def __init__(self, argument: str, expected: Text, value: Any) -> None:
        kind = type(value).__name__
        self.text = Text(
            zh=f"参数 {argument} 应为{expected.zh}，收到 {kind}",
            en=f"{argument} must be {expected.en}, got {kind}",
        )
        super().__init__(f"{self.text.zh} / {self.text.en}")
        self.field = argument
        self.value = value if isinstance(value, bool | int | float) else kind


class UnknownNameError(ErrorInfo, KeyError):
    """A rubric, quota table or reference table a pack does not have, or a row a table does not.

    A :class:`KeyError`, as a lookup by name always was; its code is ``unknown_rubric``,
    ``unknown_quota_table``, ``unknown_table`` or ``unknown_row``
    (:meth:`TableScores.explain <pairing_rules.TableScores.explain>`).

    :param code: the error code.
    :param text: what is wrong, in Chinese and English.
    :param argument: the parameter that named it (``rubric``, ``table``, ``row``).
    :param name: the name (or the row) given.
    """

    def __init__(self, code: str, text: Text, *, argument: str, name: str | int) -> None:
        super().__init__(f"{text.zh} / {text.en}")
        self.code = code
        self.text = text
        self.field = argument
        self.value = name

    def __str__(self) -> str:  # a KeyError shows its argument's repr; this is a sentence
        return str(self.args[0])


class NothingToRunError(ErrorInfo, ValueError):
    """A pack without what a call needs: ``score`` without a rubric, ``quota`` without a table.

    Its code is ``nothing_to_run``.

    :param pack_id: the pack's id.
    :param what: ``rubric`` or ``quota_table``.
    """

    code = "nothing_to_run"

    def __init__(self, pack_id: str, what: str) -> None:
        zh, en = {"rubric": ("考核细则", "rubric"), "quota_table": ("定额表", "quota table")}[what]
        self.text = Text(zh=f"规则包 {pack_id} 没有{zh}", en=f"pack {pack_id} has no {en}")
        super().__init__(f"{self.text.zh} / {self.text.en}")
        self.field = "pack"
        self.value = pack_id


class ErrorResponse(BaseModel):
    """An error answer of the server: ``{"contract": …, "error": {code, message, loc, value}}``."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )

    contract: str
    error: ErrorDetail


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


class OutputError(ErrorInfo, Exception):
    """A file that will not, or cannot, be written; the previous file at the place is unchanged.

    :param message: what is wrong, in Chinese and English.
    :param code: the error code (default ``cannot_write``).
    """

    def __init__(self, message: Text, *, code: str = "cannot_write") -> None:
        super().__init__(f"{message.zh} / {message.en}")
        self.text = message
        self.code = code

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
            ),
            code="output_is_folder",
        )

    @classmethod
    def not_a_folder(cls, path: object) -> OutputError:
        return cls(
            Text(
                zh=f"{path} 不是文件夹，无法在其中写入文件",
                en=f"{path} is not a folder: no file can be written in it",
            ),
            code="output_is_folder",
        )

    @classmethod
    def not_regular(cls, path: object) -> OutputError:
        return cls(
            Text(
                zh=f"{path} 已存在且不是普通文件（管道、设备等），不会写入",
                en=f"{path} exists and is not a regular file (a pipe, a device …): "
                "nothing is written to it",
            ),
            code="output_not_regular",
        )

    @classmethod
    def is_input(cls, path: object, source: object) -> OutputError:
        return cls(
            Text(
                zh=f"{path} 就是本次读取的文件 {source}，输入文件从不被覆盖；请换一个输出文件名",
                en=f"{path} is the file {source} this command reads: an input is never "
                "overwritten; choose another name for the output",
            ),
            code="output_is_input",
        )

    @classmethod
    def exists(cls, path: object) -> OutputError:
        return cls(
            Text(
                zh=f"{path} 已存在，未覆盖；确需覆盖请加 --force",
                en=f"{path} already exists and was left as it is; add --force to replace it",
            ),
            code="output_exists",
        )

    @classmethod
    def not_a_report(cls, path: object) -> OutputError:
        return cls(
            Text(
                zh=f"{path} 已存在，且不是 pairing-rules 写出的报告（可能是填好的模板或其他工作簿），"
                "未覆盖；确需覆盖请加 --force",
                en=f"{path} exists and is not a report pairing-rules wrote (a filled template or "
                "another workbook?); it was left as it is: add --force to replace it",
            ),
            code="output_exists",
        )
