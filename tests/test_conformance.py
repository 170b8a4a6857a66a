"""The conformance suite on the demo pack and on every installed pack."""

from __future__ import annotations

import pytest

from pairing_rules import Pack, Registry
from pairing_rules.testing import PackConformance

from .conftest import load_demo

INSTALLED = sorted(p.id for p in Registry().list_packs())


class TestDemoPack(PackConformance):
    @pytest.fixture(scope="class")
    @classmethod
    def pack(cls) -> Pack:
        return load_demo()


class TestInstalledPacks(PackConformance):
    @pytest.fixture(scope="class", params=INSTALLED)
    @classmethod
    def pack(cls, request: pytest.FixtureRequest) -> Pack:
        pack_id: str = request.param
        return Registry().get_pack(pack_id)


def test_a_suite_without_a_pack_fails_clearly() -> None:
    with pytest.raises(pytest.fail.Exception, match="set `pack_id`"):
        PackConformance.installed_pack()
