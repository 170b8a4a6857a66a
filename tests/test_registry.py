"""The plugin registry: fresh managers, entry points, broken plugins skipped with a report."""

from __future__ import annotations

from importlib import metadata
from types import SimpleNamespace
from typing import Any

import pytest

from pairing_rules import (
    AUTOLOAD_ENV,
    ENTRY_POINT_GROUP,
    Pack,
    Registry,
    UnknownPackError,
    _registry,
    hookimpl,
    make_plugin_manager,
)

from .conftest import DemoPlugin, load_demo


def fake_entry_points(monkeypatch: pytest.MonkeyPatch, *points: metadata.EntryPoint) -> None:
    def entry_points(*, group: str) -> list[metadata.EntryPoint]:
        assert group == ENTRY_POINT_GROUP
        return list(points)

    monkeypatch.setattr(_registry.metadata, "entry_points", entry_points)


def test_each_registry_has_its_own_plugin_manager() -> None:
    a, b = Registry(autoload=False), Registry([DemoPlugin()], autoload=False)
    assert a.pm is not b.pm
    assert a.list_packs() == []
    assert [p.id for p in b.list_packs()] == ["demo"]
    assert make_plugin_manager() is not make_plugin_manager()


def test_get_pack_and_unknown_pack(demo_registry: Registry) -> None:
    assert demo_registry.get_pack("demo").ref == "demo@0.1.0"
    with pytest.raises(UnknownPackError) as info:
        demo_registry.get_pack("nope")
    assert "没有名为 nope 的规则包" in info.value.text.zh
    assert "installed: demo" in info.value.text.en


def test_entry_point_that_fails_to_import_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    module = SimpleNamespace(pairing_rules_packs=hookimpl(lambda: [load_demo()]))
    monkeypatch.setitem(__import__("sys").modules, "fake_good_pack", module)
    fake_entry_points(
        monkeypatch,
        metadata.EntryPoint(
            name="broken", value="no_such_module_for_tests", group=ENTRY_POINT_GROUP
        ),
        metadata.EntryPoint(name="good", value="fake_good_pack", group=ENTRY_POINT_GROUP),
    )
    registry = Registry()
    assert [p.id for p in registry.list_packs()] == ["demo"]
    (error,) = registry.errors
    assert (error.plugin, error.stage) == ("broken", "import")
    assert "no_such_module_for_tests" in error.message


def test_plugin_whose_hook_raises_is_skipped() -> None:
    class Raising:
        @hookimpl
        def pairing_rules_packs(self) -> list[Pack]:
            raise RuntimeError("boom")

    registry = Registry([Raising(), DemoPlugin()], autoload=False)
    assert [p.id for p in registry.list_packs()] == ["demo"]
    (error,) = registry.errors
    assert error.stage == "packs" and "boom" in error.message


def test_invalid_pack_is_skipped(tmp_path: Any) -> None:
    from pairing_rules import load_pack

    (tmp_path / "document.txt").write_text("真实的文本" * 50, encoding="utf-8")
    (tmp_path / "pack.yaml").write_text(
        "id: bad\nversion: 1.0.0\nlabel: 坏\ndocument: {title: t, issuer: i}\n"
        "provisions:\n  - {id: a, kind: fact, label: x, value: 1, source: {section: 一, quote: 不在文中}}\n",
        encoding="utf-8",
    )

    class Invalid:
        @hookimpl
        def pairing_rules_packs(self) -> list[Pack]:
            return [load_pack(tmp_path / "pack.yaml")]

    registry = Registry([Invalid(), DemoPlugin()], autoload=False)
    assert [p.id for p in registry.list_packs()] == ["demo"]
    (error,) = registry.errors
    assert "quote(s) not found" in error.message and "不在文中" in error.message


def test_hook_returning_wrong_objects_and_duplicates_are_reported() -> None:
    class Wrong:
        @hookimpl
        def pairing_rules_packs(self) -> list[Any]:
            return ["not a pack"]

    registry = Registry([Wrong(), DemoPlugin(), DemoPlugin()], autoload=False)
    assert [p.id for p in registry.list_packs()] == ["demo"]
    stages = sorted(e.stage for e in registry.errors)
    assert stages == ["duplicate", "packs"]


def test_unknown_hook_is_rejected_at_registration() -> None:
    class Typo:
        @hookimpl
        def pairing_rules_pack(self) -> None:  # not a hook: the registry refuses it
            return None

    registry = Registry([Typo()], autoload=False)
    (error,) = registry.errors
    assert error.stage == "register"
    assert not registry.pm.get_plugins()


def test_autoload_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_entry_points(
        monkeypatch,
        metadata.EntryPoint(
            name="broken", value="no_such_module_for_tests", group=ENTRY_POINT_GROUP
        ),
    )
    monkeypatch.setenv(AUTOLOAD_ENV, "1")
    assert Registry().errors == []
    monkeypatch.setenv(AUTOLOAD_ENV, "0")
    assert len(Registry().errors) == 1


def test_installed_packs_load_without_errors() -> None:
    registry = Registry()
    assert registry.list_packs(), "the packs of this repository are installed"
    assert registry.errors == []


class ExtraRules:
    """A plugin adding an audit finding and check findings to the demo pack."""

    @hookimpl
    def pairing_rules_audit(self, pack: Pack, choices: Any) -> list[Any] | None:
        from pairing_rules import AuditFinding, Source

        if pack.id != "demo":
            return None
        source = Source(section="五", quote="全县共 3 个教共体")
        return [AuditFinding(code="extra", subject="demo.extra", message="额外发现", source=source)]

    @hookimpl
    def pairing_rules_check(
        self, pack: Pack, dataset: Any, choices: Any, context: Any
    ) -> list[Any] | None:
        from pairing_rules import Finding, Source, Status

        if pack.id != "demo":
            return None
        source = Source(section="五", quote="全县共 3 个教共体")
        on_record = Finding(
            requirement="extra.record",
            label="记录",
            status=Status.UNMET,
            record="A",
            source=source,
            message="未达标",
        )
        on_group = Finding(
            requirement="extra.group",
            label="全县",
            status=Status.INFO,
            group="全县",
            source=source,
            message=f"截至 {context['as_of']}",
        )
        return [on_record, on_group]


def test_audit_and_check_hooks_extend_a_pack() -> None:
    import datetime as dt

    from pairing_rules import audit, check

    registry = Registry([DemoPlugin(), ExtraRules()], autoload=False)
    pack = registry.get_pack("demo")
    assert ("extra", "demo.extra") in {(f.code, f.subject) for f in audit(pack).findings}
    record = {
        "id": "A",
        "type": "融合型",
        "year": 2023,
        "sync_subjects": 2,
        "sync_lessons": 20,
        "evidence_lessons": True,
    }
    report = check(pack, {"communities": [record]}, as_of=dt.date(2023, 7, 1))
    (result,) = report.results
    # the hook's record finding is filed under record A and fails it; the other is a group finding
    assert [f.requirement for f in result.findings] == ["lessons", "extra.record"]
    assert result.passed is False
    assert [
        (g.requirement, g.message.zh) for g in report.groups if g.requirement == "extra.group"
    ] == [("extra.group", "截至 2023-07-01")]
