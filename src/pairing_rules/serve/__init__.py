"""The server: ``pairing-rules serve`` runs this ASGI application (FastAPI, under uvicorn).

A REST API under ``/api/v1`` (its OpenAPI document at ``/api/v1/openapi.json``)
and a web page at ``/`` for county staff.  Needs the ``serve`` extra
(``pip install 'pairing-rules[serve]'``).  It keeps nothing: an upload is read
in the request's own temporary folder, removed when the request ends; only the
loaded packs and their scorers are shared between requests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ._settings import Settings

__all__ = ["Settings", "app_from_env", "create_app"]


def create_app(settings: Settings | None = None, *, registry: Any = None) -> FastAPI:
    """The ASGI application serving the installed packs.

    :param settings: the limits (default: from the environment, see :class:`Settings`).
    :param registry: the :class:`~pairing_rules.Registry` of the packs to serve (default:
        the installed packs).
    """
    from ._app import create_app as make

    return make(settings, registry=registry)


def app_from_env() -> FastAPI:
    """The application with the limits of the environment (uvicorn's factory, for workers)."""
    return create_app()


def __getattr__(name: str) -> Any:
    if name == "Settings":
        from ._settings import Settings

        return Settings
    raise AttributeError(name)
