"""The REST API under ``/api/v1``: packs, score, check, audit, quota, template.

Every answer is JSON unless a report is asked for (``format=xlsx|html`` or the
``Accept`` header); a result is the JSON contract of its public model.  A
request wrong as a whole is answered 4xx with ``{"contract", "error": {code,
message, loc, value}}``; rejected records come back in a 200 answer's
``rejected``, the valid ones processed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import quote

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from .._engine import AuditReport, CheckReport, QuotaReport, audit, quota
from .._errors import ErrorResponse, NothingToRunError
from .._i18n import Lang, Text
from .._interpretations import parse_assignments
from .._pack import Pack
from .._pack_info import PackDetail, PackList, pack_detail, pack_summary
from .._registry import Registry
from .._scoring import ScoreReport
from ._failures import RequestError
from ._inputs import kind_of, read_request
from ._jobs import FORMATS, Result, template_result
from ._pool import Jobs
from ._settings import Settings

_ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    code: {"model": ErrorResponse, "description": text}
    for code, text in (
        (400, "请求格式不正确 / a malformed request"),
        (404, "没有该规则包 / no such pack"),
        (406, "不支持的结果格式 / an unsupported result format"),
        (
            409,
            "已安装的规则包版本与指定的不同（cangnan2022==1.0.0），或规则包由多个发行包提供 / "
            "the installed pack has another version than the one pinned, or several "
            "distributions offer it",
        ),
        (413, "上传过大或记录过多 / an upload too large, or too many records"),
        (415, "不支持的文件类型 / an unsupported file type"),
        (422, "无法处理的请求（未知的口径、考核细则、集合……）/ a request that cannot be run"),
    )
}

#: what a route naming a pack may answer besides its result: no such pack, another version
_PACK: Final[dict[int | str, dict[str, Any]]] = {404: _ERRORS[404], 409: _ERRORS[409]}


def _language(what: str) -> Any:
    """The query parameter ``lang``: the OpenAPI document names the languages it takes."""
    return Query(description=f"{what}: zh or en", json_schema_extra={"enum": ["zh", "en"]})


_REPORTS: Final = {
    FORMATS["xlsx"][0]: {"schema": {"type": "string", "format": "binary"}},
    "text/html": {"schema": {"type": "string"}},
}

_OPTIONS: Final[dict[str, dict[str, Any]]] = {
    "set": {
        "type": "array",
        "items": {"type": "string"},
        "description": "口径覆盖 ID=VALUE（可重复） / an interpretation override ID=VALUE (repeatable)",
    },
    "rubric": {"type": "string", "description": "考核细则 / the rubric for every record"},
    "as_of": {"type": "string", "format": "date", "description": "检查日期 / the date of a check"},
    "outside_period": {
        "type": "boolean",
        "description": "年度在适用期以外的记录也处理（默认拒收） / also process records whose year "
        "is outside the pack's period (rejected by default)",
    },
}


#: the options as query parameters (``read_request`` reads them there too)
_QUERY: Final = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {k: v for k, v in schema.items() if k != "description"},
        "description": schema["description"],
        **({"style": "form", "explode": True} if schema["type"] == "array" else {}),
    }
    for name, schema in _OPTIONS.items()
]


def _body(what: str) -> dict[str, Any]:
    return {
        "parameters": _QUERY,
        "requestBody": {
            "required": True,
            "description": f"The records to {what}: a JSON body, or a file upload.",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["data"],
                        "additionalProperties": False,
                        "properties": {
                            "data": {
                                "type": "object",
                                "description": 'The input object {"communities": [...]}: its '
                                "JSON Schema is the pack's input_schema (GET /packs/{id}).",
                            },
                            "interpretations": {
                                "type": "object",
                                "additionalProperties": {"type": "string"},
                                "description": "Overrides {interpretation id: value}.",
                            },
                            "rubric": {"type": "string"},
                            "as_of": {"type": "string", "format": "date"},
                            "outside_period": {"type": "boolean"},
                        },
                    }
                },
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {
                                "type": "string",
                                "format": "binary",
                                "description": ".xlsx, .xls, .ods, .csv or .json",
                            },
                            **_OPTIONS,
                        },
                    }
                },
            },
        },
    }


def _download(result: Result, kind: str) -> Response:
    headers = {}
    if kind != "json":
        ascii_name = "".join(
            c if (c.isascii() and c.isalnum()) or c in ".-_" else "_" for c in result.filename
        )
        headers["Content-Disposition"] = (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(result.filename)}"
        )
    return Response(result.body(), media_type=result.media_type, headers=headers)


def _json(value: Any) -> Response:
    return Response(orjson.dumps(value), media_type="application/json")


def _lang(lang: str) -> Lang:
    """``lang`` as a language; another value is refused, not read as Chinese.

    :raises RequestError: (``invalid_request``) naming ``lang`` and the languages offered.
    """
    wanted = lang.strip().lower()
    if wanted == "en":
        return "en"
    if wanted == "zh":
        return "zh"
    raise RequestError(
        "invalid_request",
        Text(
            zh=f"不支持的语言 lang={lang[:40]!r}；可选：zh（中文）、en（英文）",
            en=f"unsupported language lang={lang[:40]!r}; one of: zh (Chinese), en (English)",
        ),
        field="lang",
        value=lang[:40],
    )


def make_router(registry: Registry, settings: Settings, jobs: Jobs) -> APIRouter:
    """The ``/api/v1`` routes, serving the packs of ``registry`` within ``settings``."""
    router = APIRouter(prefix="/api/v1")

    def pack_of(pack_id: str) -> Pack:
        return registry.get_pack(pack_id)

    @router.get("/packs", response_model=PackList, summary="已安装的规则包 / the installed packs")
    def list_packs() -> Response:
        packs = [pack_summary(p) for p in registry.list_packs()]
        return _json(PackList(packs=packs).model_dump(mode="json"))

    @router.get(
        "/packs/{pack_id}",
        response_model=PackDetail,
        responses=_PACK,
        summary="规则包详情 / a pack: provisions, interpretations, rubrics, input schema",
    )
    def show_pack(pack_id: str) -> Response:
        return _json(pack_detail(pack_of(pack_id)).model_dump(mode="json"))

    @router.post(
        "/packs/{pack_id}/score",
        response_model=ScoreReport,
        responses={200: {"content": _REPORTS}, **_ERRORS},
        openapi_extra=_body("score"),
        summary="评分 / score records",
    )
    async def score(
        pack_id: str,
        request: Request,
        format: Annotated[str | None, Query(description="json（默认）、xlsx 或 html")] = None,
        lang: Annotated[str, _language("报告语言 / the report's language")] = "zh",
    ) -> Response:
        pack = pack_of(pack_id)
        language = _lang(lang)
        if not pack.definition.rubrics:  # as score() refuses it, before any reading
            raise NothingToRunError(pack.id, "rubric")
        kind = kind_of(request, format)
        with tempfile.TemporaryDirectory(prefix="pairing-rules-") as name:
            folder = Path(name)
            upload = await read_request(request, folder)
            result = await jobs.score(
                pack, upload, kind=kind, lang=language, folder=folder, limit=settings.max_records
            )
            return _download(result, kind)

    @router.post(
        "/packs/{pack_id}/check",
        response_model=CheckReport,
        responses={200: {"content": _REPORTS}, **_ERRORS},
        openapi_extra=_body("check"),
        summary="检查各项要求 / check records against the requirements",
    )
    async def check(
        pack_id: str,
        request: Request,
        format: Annotated[str | None, Query(description="json（默认）、xlsx 或 html")] = None,
        lang: Annotated[str, _language("报告语言 / the report's language")] = "zh",
    ) -> Response:
        pack = pack_of(pack_id)
        language = _lang(lang)
        kind = kind_of(request, format)
        with tempfile.TemporaryDirectory(prefix="pairing-rules-") as name:
            folder = Path(name)
            upload = await read_request(request, folder)
            pack.choices(upload.overrides)  # an unknown interpretation before any reading
            result = await jobs.check(
                pack, upload, kind=kind, lang=language, folder=folder, limit=settings.max_records
            )
            return _download(result, kind)

    @router.get(
        "/packs/{pack_id}/audit",
        response_model=AuditReport,
        responses={**_PACK, 422: _ERRORS[422]},
        summary="文件自身不一致之处 / the document's inconsistencies",
    )
    def audit_pack(
        pack_id: str,
        set: Annotated[list[str] | None, Query(description="ID=VALUE（可重复）")] = None,
    ) -> Response:
        report = audit(pack_of(pack_id), interpretations=parse_assignments(set or []))
        return _json(report.model_dump(mode="json"))

    @router.get(
        "/packs/{pack_id}/quota",
        response_model=QuotaReport,
        responses={**_PACK, 422: _ERRORS[422]},
        summary="定额表及公式核算 / a quota table, audited row by row if asked",
    )
    def quota_table(
        pack_id: str,
        table: Annotated[str | None, Query(description="定额表编号 / the quota table")] = None,
        audit: Annotated[bool, Query(description="按公式逐行核算 / recompute every row")] = False,
        set: Annotated[list[str] | None, Query(description="ID=VALUE（可重复）")] = None,
    ) -> Response:
        report = quota(
            pack_of(pack_id),
            table=table,
            audit_rows=audit,
            interpretations=parse_assignments(set or []),
        )
        return _json(report.model_dump(mode="json"))

    @router.get(
        "/packs/{pack_id}/template",
        responses={
            200: {
                "content": {FORMATS["xlsx"][0]: {"schema": {"type": "string", "format": "binary"}}}
            },
            **_PACK,
            422: _ERRORS[422],
        },
        response_class=Response,
        summary="填报模板 / the input workbook to fill in",
    )
    async def template(
        pack_id: str,
        lang: Annotated[str, _language("模板语言 / the template's language")] = "zh",
    ) -> Response:
        pack = pack_of(pack_id)
        language = _lang(lang)
        with tempfile.TemporaryDirectory(prefix="pairing-rules-") as name:
            result = await run_in_threadpool(
                template_result, pack, lang=language, folder=Path(name)
            )
            return _download(result, "xlsx")

    return router
