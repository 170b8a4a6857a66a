"""Errors of a request as a whole: a status code and the structured error, in Chinese and English."""

from __future__ import annotations

from typing import Any, Final

from .._contract import CONTRACT_VERSION
from .._errors import ErrorDetail, ErrorInfo, ErrorLoc, ErrorResponse
from .._i18n import Text

#: the status of each error code that is not 422 (a request the server understood but refuses)
STATUS: Final = {
    "unknown_pack": 404,
    "not_found": 404,
    "pack_version_mismatch": 409,
    "pack_conflict": 409,
    "pack_load_failed": 500,
    "invalid_pack": 500,
    "file_too_large": 413,
    "too_many_rows": 413,
    "request_too_large": 413,
    "too_many_records": 413,
    "unsupported_file_type": 415,
    "unsupported_format": 406,
    "unsupported_media_type": 415,
    "not_json": 400,
    "invalid_request": 400,
    "wrong_argument_type": 400,
    "internal_error": 500,
}


class RequestError(ErrorInfo, Exception):
    """A request the server refuses as a whole.

    :param code: the error code.
    :param text: what is wrong, in Chinese and English.
    :param field: the parameter concerned.
    :param value: the offending value.
    """

    def __init__(
        self, code: str, text: Text, *, field: str | None = None, value: Any = None
    ) -> None:
        super().__init__(f"{text.zh} / {text.en}")
        self.code = code
        self.text = text
        self.field = field
        self.value = value


def status_of(code: str) -> int:
    """The HTTP status of an error code."""
    return STATUS.get(code, 422)


def error_body(detail: ErrorDetail) -> dict[str, Any]:
    """The JSON of an error answer."""
    return ErrorResponse(contract=CONTRACT_VERSION, error=detail).model_dump(mode="json")


def plain_error(code: str, zh: str, en: str, *, field: str | None = None) -> ErrorDetail:
    """An error without an exception (a route not found, a body too large)."""
    return ErrorDetail(
        code=code,
        message=Text(zh=zh, en=en),
        loc=ErrorLoc(field=field) if field is not None else None,
    )


def too_large(limit: int) -> RequestError:
    """The error of a body over ``limit`` bytes."""
    if limit >= 1024 * 1024:
        size = f"{limit / 1024 / 1024:.1f}".rstrip("0").rstrip(".")
        zh, en = f"{size} MB", f"{size} MB"
    else:
        zh, en = f"{limit} 字节", f"{limit} bytes"
    return RequestError(
        "request_too_large",
        Text(
            zh=f"上传的内容过大（上限 {zh}）；请分批上传，或请管理员调高上限（--max-bytes）",
            en=f"the upload is too large (limit {en}); split it, or ask for a higher limit "
            "(--max-bytes)",
        ),
        value=limit,
    )


def too_many_records(limit: int) -> RequestError:
    """The error of a request with more than ``limit`` records."""
    return RequestError(
        "too_many_records",
        Text(
            zh=f"记录数超过上限 {limit} 条；请分批上传",
            en=f"more than {limit} records; split the upload",
        ),
        value=limit,
    )
