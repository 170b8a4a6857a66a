"""A request's records and options: a JSON body, or a file upload (multipart/form-data).

A JSON body is ``{"data": {"communities": [...]}, "interpretations": {ID: VALUE},
"rubric": ..., "as_of": "2022-12-31"}``; an upload has the file in ``file`` and
the options as form fields (``set`` repeated ``ID=VALUE``, ``rubric``,
``as_of``, ``outside_period``).  Options may also be given as query parameters.  An uploaded file is
written, under its own name, into the request's temporary folder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any, Final

import orjson
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from .._i18n import Text
from .._interpretations import parse_assignments
from ._failures import RequestError
from ._jobs import FORMATS, Upload

#: the file types an upload may be
INPUT_SUFFIXES: Final = (".json", ".csv", ".xlsx", ".xlsm", ".xls", ".ods")
_UNSAFE: Final = frozenset('<>:"/\\|?*')
_CHUNK: Final = 1 << 16
#: the most fields an upload's form may have
_FIELDS: Final = 500


def _invalid(zh: str, en: str, field: str | None = None, value: Any = None) -> RequestError:
    return RequestError("invalid_request", Text(zh=zh, en=en), field=field, value=value)


def safe_name(filename: str | None) -> str:
    """The uploaded file's name without folders or unsafe characters; its type must be read.

    :raises RequestError: (``unsupported_file_type``) for a type the readers do not read.
    """
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable() and c not in _UNSAFE).strip(" .")[-120:]
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        raise RequestError(
            "unsupported_file_type",
            Text(
                zh=f"不支持的文件类型 {suffix or '（无扩展名）'}；请上传 .xlsx、.xls、.ods、.csv 或 .json 文件",
                en=f"unsupported file type {suffix or '(no extension)'}; upload an .xlsx, .xls, "
                ".ods, .csv or .json file",
            ),
            field="file",
            value=filename,
        )
    return name


#: how a form field or a query parameter says yes or no
_FLAGS: Final = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def parse_flag(value: Any, field: str) -> bool:
    """A yes/no option (``outside_period``): JSON ``true``/``false``, or ``true``, ``1``,
    ``false``, ``0`` as text (``False`` when not given)."""
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _FLAGS:
        return _FLAGS[value.strip().lower()]
    raise RequestError(
        "wrong_argument_type",
        Text(
            zh=f"{field} 应为 true 或 false，收到 {str(value)[:40]!r}",
            en=f"{field} takes true or false, got {str(value)[:40]!r}",
        ),
        field=field,
        value=str(value)[:40],
    )


def parse_date(value: Any) -> dt.date | None:
    """``as_of`` as a date (``None`` when not given)."""
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _invalid(
            f"as_of 应为日期 YYYY-MM-DD，收到 {value!r}",
            f"as_of takes a date YYYY-MM-DD, got {value!r}",
            "as_of",
            str(value),
        ) from None


def kind_of(request: Request, given: str | None) -> str:
    """The result format: ``format`` if given, else by the ``Accept`` header, else JSON."""
    if given:
        wanted = given.strip().lower()
        if wanted not in FORMATS:
            raise RequestError(
                "unsupported_format",
                Text(
                    zh=f"不支持的结果格式 {given!r}；可选：json、xlsx、html",
                    en=f"unsupported result format {given!r}; one of: json, xlsx, html",
                ),
                field="format",
                value=given,
            )
        return wanted
    accept = request.headers.get("accept", "")
    if FORMATS["xlsx"][0] in accept:
        return "xlsx"
    if "text/html" in accept and "application/json" not in accept:
        return "html"
    return "json"


def _overrides(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str | int | float) and not isinstance(v, bool)
        for k, v in value.items()
    ):
        raise RequestError(
            "wrong_argument_type",
            Text(
                zh="interpretations 应为对象：{口径编号: 取值}",
                en="interpretations must be an object: {interpretation id: value}",
            ),
            field="interpretations",
            value=type(value).__name__,
        )
    return {k: str(v) for k, v in value.items()}


def _text(value: Any, field: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RequestError(
            "wrong_argument_type",
            Text(zh=f"{field} 应为文字", en=f"{field} must be text"),
            field=field,
            value=type(value).__name__,
        )
    return value


async def read_request(request: Request, folder: Path, *, needs_records: bool = True) -> Upload:
    """The request's records and options; an uploaded file is written into ``folder``.

    :raises RequestError: for a request wrong as a whole (not JSON, no records, no file …).
    :raises InterpretationError: for an override not written ``ID=VALUE``.
    """
    query = request.query_params
    upload = Upload(
        overrides=parse_assignments(query.getlist("set")),
        rubric=query.get("rubric") or None,
        as_of=parse_date(query.get("as_of")),
        outside_period=parse_flag(query.get("outside_period"), "outside_period"),
    )
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        body = await request.body()
        try:
            raw = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise RequestError(
                "not_json",
                # the parser's sentence is English: the Chinese message says where, not what
                Text(
                    zh=f"请求体不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）",
                    en=f"the request body is not valid JSON: {exc}",
                ),
            ) from None
        if not isinstance(raw, dict):
            raise _invalid(
                '请求体应为一个 JSON 对象：{"data": {"communities": [...]}}',
                'the request body must be a JSON object: {"data": {"communities": [...]}}',
            )
        known = {"data", "interpretations", "rubric", "as_of", "outside_period"}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise _invalid(
                f"请求体中有未知的键：{'、'.join(unknown)}"
                "（可用：data、interpretations、rubric、as_of、outside_period）",
                f"unknown keys in the request body: {', '.join(unknown)} "
                "(known: data, interpretations, rubric, as_of, outside_period)",
                unknown[0],
            )
        data = raw.get("data")
        if not isinstance(data, dict):
            raise _invalid(
                '请求体应在 data 中给出记录：{"data": {"communities": [...]}}',
                'give the records in data: {"data": {"communities": [...]}}',
                "data",
                type(data).__name__,
            )
        upload.data = data
        upload.overrides = {**upload.overrides, **_overrides(raw.get("interpretations"))}
        upload.rubric = _text(raw.get("rubric"), "rubric") or upload.rubric
        upload.as_of = parse_date(_text(raw.get("as_of"), "as_of")) or upload.as_of
        if "outside_period" in raw:
            upload.outside_period = parse_flag(raw["outside_period"], "outside_period")
        return upload
    if media == "multipart/form-data":
        try:
            return await _read_form(request, folder, upload, needs_records=needs_records)
        except HTTPException as exc:  # Starlette's parser: its message is in English only
            raise _invalid(
                f"上传的表单无法读取：请在 file 字段上传一个文件，选项最多 {_FIELDS} 项",
                f"the upload's form cannot be read ({exc.detail}): send one file in the field "
                f"file, and at most {_FIELDS} options",
            ) from None
    if not needs_records:
        return upload
    raise RequestError(
        "unsupported_media_type",
        Text(
            zh="请求体应为 JSON（application/json）或上传的文件（multipart/form-data）",
            en="send JSON (application/json) or upload a file (multipart/form-data)",
        ),
        field="content-type",
        value=media or None,
    )


async def _read_form(
    request: Request, folder: Path, upload: Upload, *, needs_records: bool
) -> Upload:
    """The options and the file of a ``multipart/form-data`` upload."""
    async with request.form(max_files=1, max_fields=_FIELDS) as form:
        assignments = [v for v in form.getlist("set") if isinstance(v, str) and v.strip()]
        upload.overrides = {**upload.overrides, **parse_assignments(assignments)}
        rubric = form.get("rubric")
        upload.rubric = (rubric if isinstance(rubric, str) and rubric else None) or upload.rubric
        as_of = form.get("as_of")
        upload.as_of = parse_date(as_of if isinstance(as_of, str) else None) or upload.as_of
        flag = form.get("outside_period")
        if isinstance(flag, str) and flag:
            upload.outside_period = parse_flag(flag, "outside_period")
        file = form.get("file")
        if not isinstance(file, UploadFile):
            if needs_records:
                raise _invalid(
                    "请在 file 字段上传一个文件（.xlsx、.xls、.ods、.csv 或 .json）",
                    "upload a file in the field file (.xlsx, .xls, .ods, .csv or .json)",
                    "file",
                )
            return upload
        name = safe_name(file.filename)
        target = folder / name
        with target.open("wb") as out:
            while chunk := await file.read(_CHUNK):
                out.write(chunk)
        upload.file, upload.name = target, name
    return upload
