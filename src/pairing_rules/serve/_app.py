"""The ASGI application: the REST API, the web page, the limits and the errors.

Nothing is kept between requests but the loaded packs and their scorers; every
asset (templates, script, style) is served by the application itself.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from .._contract import CONTRACT_VERSION
from .._errors import ErrorDetail, ErrorInfo
from .._registry import Registry
from ._api import make_router
from ._failures import RequestError, error_body, plain_error, status_of, too_large
from ._pool import Jobs
from ._settings import Settings
from ._web import make_web_router

logger = logging.getLogger("pairing_rules.serve")
STATIC: Final = Path(__file__).with_name("static")

#: the security headers of every answer: nothing is loaded from elsewhere
_HEADERS: Final = [
    (
        b"content-security-policy",
        b"default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        b"frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


class _BodyTooLarge(Exception):
    pass


class Limits:
    """ASGI middleware: a request body over the limit ends in 413; security headers on every answer.

    :param limit: the largest body, in bytes.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), *_HEADERS]
            await send(message)

        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await self._refuse(send_with_headers)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send_with_headers)
        except _BodyTooLarge:
            if not started:
                await self._refuse(send_with_headers)

    async def _refuse(self, send: Send) -> None:
        response = _error_response(too_large(self.limit).detail())
        await response({"type": "http"}, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


def _error_response(detail: ErrorDetail) -> JSONResponse:
    return JSONResponse(error_body(detail), status_code=status_of(detail.code))


def _published_schemas() -> tuple[dict[str, Any], dict[str, str]]:
    """The result schemas as ``pairing-rules schema`` publishes them, as OpenAPI components."""
    from .._diff import DiffReport
    from .._engine import AuditReport, CheckReport, QuotaReport
    from .._errors import ErrorResponse
    from .._pack_info import PackDetail, PackList
    from .._result_schema import model_schema
    from .._scoring import ScoreReport

    components: dict[str, Any] = {}
    for model in (
        ScoreReport,
        CheckReport,
        AuditReport,
        QuotaReport,
        DiffReport,
        PackList,
        PackDetail,
        ErrorResponse,
    ):
        schema = model_schema(model)
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema
    return _refs(components), {}


def _refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (
                v.replace("#/$defs/", "#/components/schemas/")
                if k == "$ref" and isinstance(v, str)
                else _refs(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_refs(v) for v in node]
    return node


def _errors_as_published(doc: dict[str, Any]) -> None:
    """A parameter FastAPI cannot read is answered 400 with an ErrorResponse: say so."""
    error = {
        "description": "请求格式不正确 / a malformed request",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
    }
    for operations in doc["paths"].values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            # FastAPI's own 422 goes; a route's declared 422 (an ErrorResponse) stays
            if "HTTPValidationError" in str(responses.get("422", "")):
                del responses["422"]
            if operation.get("parameters"):
                responses.setdefault("400", error)
    schemas = doc.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)


def create_app(settings: Settings | None = None, *, registry: Registry | None = None) -> FastAPI:
    """The ASGI application serving the installed packs.

    :param settings: the limits (default: from the environment, see :class:`Settings`).
    :param registry: the packs to serve (default: the installed packs).
    """
    settings = settings or Settings.from_env()
    jobs = Jobs(
        registry or Registry(), settings.workers, settings.scorers, installed=registry is None
    )
    registry = jobs.registry

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(jobs.start)
        try:
            yield
        finally:
            await run_in_threadpool(jobs.close)

    app = FastAPI(
        lifespan=lifespan,
        title="pairing-rules",
        version=__version__,
        summary="结对帮扶、教共体政策文件规则包的评分与检查服务 / school-pairing rule packs as a service",
        description=f"JSON contract {CONTRACT_VERSION}. Every result is the JSON of a public "
        "model of pairing-rules; errors carry a stable code, a place, a message in Chinese "
        "and English, and the offending value.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.registry = registry
    app.state.jobs = jobs
    app.include_router(make_router(registry, settings, jobs))
    app.include_router(make_web_router(registry))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(ErrorInfo)
    async def known(request: Request, exc: ErrorInfo) -> JSONResponse:
        return _error_response(exc.detail())

    @app.exception_handler(_BodyTooLarge)
    async def body_too_large(request: Request, exc: _BodyTooLarge) -> JSONResponse:
        return _error_response(too_large(settings.max_bytes).detail())

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path"))
        given = first.get("input")
        shown = f" 的取值 {str(given)[:40]!r}" if isinstance(given, str | int | float) else ""
        # pydantic's sentence is English: it goes into the English message only
        return _error_response(
            plain_error(
                "invalid_request",
                f"请求参数 {where}{shown} 无效",
                f"the request parameter {where} is invalid: {first.get('msg', '')}",
                field=where or None,
            )
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            detail = plain_error("not_found", "没有这个地址", "no such address")
        elif exc.status_code == 405:
            detail = plain_error(
                "invalid_request", "不支持该请求方法", "this method is not allowed"
            )
        else:
            detail = plain_error("invalid_request", str(exc.detail), str(exc.detail))
        return JSONResponse(error_body(detail), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("internal error on %s %s", request.method, request.url.path)
        return _error_response(
            plain_error(
                "internal_error",
                f"内部错误：{type(exc).__name__}。这不是您的输入的问题，请报告此问题",
                f"internal error: {type(exc).__name__}. This is not a mistake in your input; "
                "please report it",
            )
        )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        doc = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
        )
        components, _ = _published_schemas()
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        schemas.update(copy.deepcopy(components))
        doc["paths"] = {k: v for k, v in doc["paths"].items() if k.startswith("/api/")}
        _errors_as_published(doc)
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(Limits, limit=settings.max_bytes)
    return app


__all__ = ["RequestError", "Settings", "create_app"]
