"""Shared fixtures: the demo pack (a fictional document under tests/demo) and Hypothesis profiles."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from pairing_rules import Pack, Registry, hookimpl, load_pack

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=20, deadline=None)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

DEMO = Path(__file__).parent / "demo" / "pack.yaml"


def load_demo() -> Pack:
    return load_pack(DEMO)


class DemoPlugin:
    """A plugin object providing the demo pack."""

    @hookimpl
    def pairing_rules_packs(self) -> list[Pack]:
        return [load_demo()]


@pytest.fixture(scope="session")
def demo() -> Pack:
    return load_demo()


@pytest.fixture
def demo_registry() -> Registry:
    """A registry with only the demo pack (no entry points)."""
    return Registry([DemoPlugin()], autoload=False)


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """The address of ``pairing-rules serve`` running in a subprocess (one for the session),
    with two worker processes: the requests' jobs run in a worker process, as they do in a
    deployment (the in-process client of the API tests runs them in the server's threads)."""
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    from .serve_helpers import running_server

    with running_server("--workers", "2") as base:
        yield base
