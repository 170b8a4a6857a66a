"""The plugin registry: fresh managers, entry points, ownership of packs and hooks, failures kept apart."""

from __future__ import annotations

import datetime as dt
import sys
from importlib import metadata
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from pairing_rules import (
    AUTOLOAD_ENV,
    CHOOSE_ENV,
    ENTRY_POINT_GROUP,
    AuditFinding,
    Finding,
    Pack,
    PackConflictError,
    PackLoadError,
    Registry,
    Source,
    Status,
    UnknownPackError,
    _registry,
    audit,
    check,
    hookimpl,
    make_plugin_manager,
)

from .conftest import DemoPlugin, load_demo

SOURCE = Source(section="五", quote="全县共 3 个教共体")
RECORD = {
    "id": "A",
    "type": "融合型",
    "year": 2023,
    "sync_subjects": 2,
    "sync_lessons": 20,
    "evidence_lessons": True,
}


def entry_point(name: str, module: str, dist: str | None = None) -> metadata.EntryPoint:
    """An entry point of group ``pairing_rules``, from distribution ``dist`` (version 9.9)."""
    ep = metadata.EntryPoint(name=name, value=module, group=ENTRY_POINT_GROUP)
    if dist is not None:
        ep = ep._for(SimpleNamespace(name=dist, version="9.9"))  # type: ignore[attr-defined]
    return ep


def fake_entry_points(monkeypatch: pytest.MonkeyPatch, *points: metadata.EntryPoint) -> None:
    def entry_points(*, group: str) -> list[metadata.EntryPoint]:
        assert group == ENTRY_POINT_GROUP
        return list(points)

    monkeypatch.setattr(_registry.metadata, "entry_points", entry_points)


def fake_module(monkeypatch: pytest.MonkeyPatch, name: str, **hooks: Any) -> ModuleType:
    module = ModuleType(name)
    for hook, function in hooks.items():
        setattr(module, hook, hookimpl(function))
    monkeypatch.setitem(sys.modules, name, module)
    return module


def test_each_registry_has_its_own_plugin_manager() -> None:
    a, b = Registry(autoload=False), Registry([DemoPlugin()], autoload=False)
    assert a.pm is not b.pm
    assert a.list_packs() == []
    assert [p.id for p in b.list_packs()] == ["demo"]
    assert make_plugin_manager() is not make_plugin_manager()


def test_get_pack_and_unknown_pack(demo_registry: Registry) -> None:
    assert demo_registry.get_pack("demo").ref == "demo@0.1.0"
    assert demo_registry.get_pack("demo") is demo_registry.get_pack("demo")
    with pytest.raises(UnknownPackError) as info:
        demo_registry.get_pack("nope")
    assert "没有名为 nope 的规则包" in info.value.text.zh
    assert "installed: demo" in info.value.text.en


def test_plugins_that_fail_to_import_are_named_and_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_module(monkeypatch, "fake_demo_pack", pairing_rules_packs=lambda: [load_demo()])
    exiting = ModuleType("fake_exiting_plugin")
    monkeypatch.setitem(sys.modules, "fake_exiting_plugin", exiting)
    fake_entry_points(
        monkeypatch,
        entry_point("broken", "no_such_module_for_tests", "broken-dist"),
        entry_point("demo", "fake_demo_pack", "demo-dist"),
        entry_point("quits", "fake_exiting_plugin:does_not_exist", "quits-dist"),
    )

    def exit_on_import(self: metadata.EntryPoint) -> Any:
        if self.name == "quits":
            sys.exit(3)  # a plugin that ends the process at import
        return original(self)

    original = metadata.EntryPoint.load
    monkeypatch.setattr(metadata.EntryPoint, "load", exit_on_import)
    registry = Registry()
    assert [p.id for p in registry.list_packs()] == ["demo"]
    errors = {(e.plugin, e.stage, e.distribution) for e in registry.errors}
    assert errors == {("broken", "import", "broken-dist"), ("quits", "import", "quits-dist")}
    assert any("SystemExit" in e.message for e in registry.errors if e.plugin == "quits")
    assert registry.get_pack("demo").origin is not None
    assert registry.get_pack("demo").origin.distribution == "demo-dist"  # type: ignore[union-attr]


def test_plugin_whose_hook_raises_is_skipped() -> None:
    class Raising:
        @hookimpl
        def pairing_rules_packs(self) -> list[Pack]:
            raise RuntimeError("boom")

    registry = Registry([Raising(), DemoPlugin()], autoload=False)
    assert [p.id for p in registry.list_packs()] == ["demo"]
    (error,) = registry.errors
    assert error.stage == "packs" and "boom" in error.message


def test_a_pack_that_fails_to_load_reports_its_errors(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from pairing_rules import load_pack

    (tmp_path / "document.txt").write_text("真实的文本" * 50, encoding="utf-8")
    (tmp_path / "pack.yaml").write_text(
        "id: bad\nversion: 1.0.0\nlabel: 坏\ndocument: {title: t, issuer: i}\n"
        "provisions:\n  - {id: a, kind: fact, label: x, value: 1, source: {section: 一, quote: 不在文中}}\n",
        encoding="utf-8",
    )
    fake_module(
        monkeypatch,
        "fake_bad_pack",
        pairing_rules_packs=lambda: [load_pack(tmp_path / "pack.yaml")],
    )
    fake_module(monkeypatch, "fake_demo_pack", pairing_rules_packs=lambda: [load_demo()])
    fake_entry_points(
        monkeypatch,
        entry_point("bad", "fake_bad_pack", "bad-dist"),
        entry_point("demo", "fake_demo_pack", "demo-dist"),
    )
    registry = Registry()
    assert [p.id for p in registry.list_packs()] == ["demo"]
    (error,) = registry.errors
    assert error.stage == "load" and "不在文中" in error.message
    # a command naming the pack says why it failed, not that there is no such pack
    with pytest.raises(PackLoadError) as info:
        Registry().get_pack("bad")
    # with the file, line and column of the quote (line 6 of pack.yaml) and the rule broken
    where = f"{tmp_path / 'pack.yaml'}:6:"
    assert where in info.value.text.en and where in info.value.text.zh
    assert "[quote-not-found]" in info.value.text.en and "不在文中" in info.value.text.zh
    # every problem at once: the quote, and the value 1 that the (missing) quote cannot hold
    assert sorted((i.code, i.line) for i in info.value.issues) == [
        ("number-not-in-quote", 6),
        ("quote-not-found", 6),
    ]


def test_hook_returning_wrong_objects_is_reported() -> None:
    class Wrong:
        @hookimpl
        def pairing_rules_packs(self) -> list[Any]:
            return ["not a pack"]

    registry = Registry([Wrong(), DemoPlugin()], autoload=False)
    assert [p.id for p in registry.list_packs()] == ["demo"]
    assert [e.stage for e in registry.errors] == ["packs"]


def test_a_pack_id_offered_by_two_distributions_is_used_only_when_chosen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_module(monkeypatch, "fake_official", pairing_rules_packs=lambda: [load_demo()])
    fake_module(monkeypatch, "fake_impostor", pairing_rules_packs=lambda: [load_demo()])
    fake_entry_points(
        monkeypatch,
        entry_point("demo", "fake_official", "official-demo"),
        entry_point("demo", "fake_impostor", "impostor-demo"),
    )
    registry = Registry()
    # neither is used: the listing skips the id, and both are reported by name and version
    assert registry.list_packs() == []
    reported = {(e.distribution, e.version, e.stage) for e in registry.errors}
    assert reported == {("official-demo", "9.9", "conflict"), ("impostor-demo", "9.9", "conflict")}
    with pytest.raises(PackConflictError) as info:
        registry.get_pack("demo")
    assert "official-demo 9.9" in info.value.text.zh and "impostor-demo 9.9" in info.value.text.zh
    # the user chooses: by option, or by the environment
    chosen = Registry(choose={"demo": "official-demo"}).get_pack("demo")
    assert chosen.origin is not None and chosen.origin.distribution == "official-demo"
    monkeypatch.setenv(CHOOSE_ENV, "demo=impostor-demo")
    chosen = Registry().get_pack("demo")
    assert chosen.origin is not None and chosen.origin.distribution == "impostor-demo"


def test_a_plugin_registered_directly_does_not_take_an_installed_pack_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A plugin without a distribution is no choice of its own: with no choice made, its
    pack and an installed distribution's of the same id are a conflict, not a takeover."""
    fake_module(monkeypatch, "fake_official", pairing_rules_packs=lambda: [load_demo()])
    fake_entry_points(monkeypatch, entry_point("demo", "fake_official", "official-demo"))
    registry = Registry([DemoPlugin()])
    with pytest.raises(PackConflictError):
        registry.get_pack("demo")
    chosen = Registry([DemoPlugin()], choose={"demo": "DemoPlugin"}).get_pack("demo")
    assert chosen.origin is not None and chosen.origin.distribution is None
    chosen = Registry([DemoPlugin()], choose={"demo": "official-demo"}).get_pack("demo")
    assert chosen.origin is not None and chosen.origin.distribution == "official-demo"


def test_a_pack_offered_under_another_entry_point_is_not_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def impostor() -> list[Pack]:
        raise AssertionError("a plugin named otherwise is not asked for the demo pack")

    fake_module(monkeypatch, "fake_official", pairing_rules_packs=lambda: [load_demo()])
    fake_module(monkeypatch, "fake_other", pairing_rules_packs=lambda: [load_demo()])
    fake_entry_points(
        monkeypatch,
        entry_point("demo", "fake_official", "official-demo"),
        entry_point("zzz", "fake_other", "other-dist"),
    )
    registry = Registry()
    pack = registry.get_pack("demo")
    assert pack.origin is not None and pack.origin.distribution == "official-demo"
    assert [p.id for p in registry.list_packs()] == ["demo"]
    (error,) = registry.errors
    assert (error.stage, error.distribution, error.pack) == ("name", "other-dist", "demo")


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
    fake_entry_points(monkeypatch, entry_point("broken", "no_such_module_for_tests"))
    monkeypatch.setenv(AUTOLOAD_ENV, "1")
    assert Registry().errors == []
    monkeypatch.setenv(AUTOLOAD_ENV, "0")
    assert len(Registry().errors) == 1


def test_installed_packs_load_without_errors_and_name_their_distribution() -> None:
    registry = Registry()
    packs = registry.list_packs()
    assert packs, "the packs of this repository are installed"
    assert registry.errors == []
    for pack in packs:
        assert pack.origin is not None
        assert pack.origin.distribution == f"pairing-rules-{pack.id}"
        assert pack.origin.version == metadata.version(f"pairing-rules-{pack.id}")


class ExtraRules:
    """A plugin adding an audit finding and check findings to the demo pack."""

    def __init__(self, extends: list[str] | None) -> None:
        self.ids = extends

    @hookimpl
    def pairing_rules_extends(self) -> list[str] | None:
        return self.ids

    @hookimpl
    def pairing_rules_audit(self, pack: Pack, choices: Any) -> list[Any]:
        return [AuditFinding(code="extra", subject="demo.extra", message="额外发现", source=SOURCE)]

    @hookimpl
    def pairing_rules_check(
        self, pack: Pack, dataset: Any, choices: Any, context: Any
    ) -> list[Any]:
        on_record = Finding(
            requirement="extra.record",
            label="记录",
            status=Status.UNMET,
            record="A",
            source=SOURCE,
            message="未达标",
        )
        on_group = Finding(
            requirement="extra.group",
            label="全县",
            status=Status.INFO,
            group="全县",
            source=SOURCE,
            message=f"截至 {context['as_of']}",
        )
        return [on_record, on_group]


def test_a_plugin_extends_a_pack_only_when_it_says_so() -> None:
    plain = Registry([DemoPlugin()], autoload=False).get_pack("demo")
    silent = Registry([DemoPlugin(), ExtraRules(None)], autoload=False).get_pack("demo")
    assert silent.extensions == ()
    assert "extra" not in {f.code for f in audit(silent).findings}
    assert silent.provenance == plain.provenance == plain.content_hash

    pack = Registry([DemoPlugin(), ExtraRules(["demo"])], autoload=False).get_pack("demo")
    assert [e.plugin for e in pack.extensions] == ["ExtraRules"]
    assert pack.provenance != plain.provenance  # the extension shows in the provenance hash
    report = audit(pack)
    assert ("extra", "demo.extra") in {(f.code, f.subject) for f in report.findings}
    assert report.provenance is not None
    assert [e.plugin for e in report.provenance.extensions] == ["ExtraRules"]
    assert report.provenance.hash == pack.provenance
    checked = check(pack, {"communities": [RECORD]}, as_of=dt.date(2023, 7, 1))
    (result,) = checked.results
    # the hook's record finding is filed under record A and fails it; the other is a group finding
    assert [f.requirement for f in result.findings] == ["lessons", "extra.record"]
    assert result.passed is False
    assert [
        (g.requirement, g.message.zh) for g in checked.groups if g.requirement == "extra.group"
    ] == [("extra.group", "截至 2023-07-01")]


def test_a_failing_plugin_hook_stays_in_its_own_packs_results() -> None:
    class Failing:
        @hookimpl
        def pairing_rules_extends(self) -> list[str]:
            return ["demo"]

        @hookimpl
        def pairing_rules_audit(self, pack: Pack, choices: Any) -> list[Any]:
            raise RuntimeError("audit broke")

        @hookimpl
        def pairing_rules_check(self, pack: Pack, dataset: Any, choices: Any, context: Any) -> None:
            raise ValueError("check broke")

    class OtherPack:
        @hookimpl
        def pairing_rules_packs(self) -> list[Pack]:
            other = load_demo()
            other.definition = other.definition.model_copy(update={"id": "other"})
            return [other]

    registry = Registry([DemoPlugin(), OtherPack(), Failing()], autoload=False)
    demo = registry.get_pack("demo")
    failed = [f for f in audit(demo).findings if f.code == "plugin_error"]
    assert [(f.subject, f.source) for f in failed] == [("Failing", None)]
    assert "audit broke" in failed[0].message.zh and "Failing" in failed[0].message.en
    report = check(demo, {"communities": [RECORD]}, as_of=dt.date(2023, 7, 1))
    errors = [g for g in report.groups if g.status is Status.ERROR]
    assert [(g.requirement, g.group) for g in errors] == [("plugin.Failing", "Failing")]
    assert "check broke" in errors[0].message.en
    assert report.unmet  # a failed check is not a pass
    # the other pack is untouched
    other = registry.get_pack("other")
    assert other.extensions == ()
    assert not [f for f in audit(other).findings if f.code == "plugin_error"]
    assert not [
        g for g in check(other, {"communities": [RECORD]}).groups if g.status is Status.ERROR
    ]


def test_packs_gives_why_a_pack_was_skipped_in_the_language_asked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from pairing_rules import load_pack
    from pairing_rules.cli import main

    (tmp_path / "document.txt").write_text("真实的文本" * 50, encoding="utf-8")
    pack_file = tmp_path / "pack.yaml"
    pack_file.write_text("id: bad\nversion: [1.0.0\nlabel: 坏\n", encoding="utf-8")
    fake_module(monkeypatch, "fake_bad_pack", pairing_rules_packs=lambda: [load_pack(pack_file)])
    fake_entry_points(monkeypatch, entry_point("bad", "fake_bad_pack", "bad-dist"))
    outputs = {}
    for lang in ("zh", "en"):
        monkeypatch.setattr(_registry, "_default", None)
        assert main(["packs", "--lang", lang]) == 0
        outputs[lang] = capsys.readouterr().err
    # Chinese throughout in Chinese (the stage is not shown by its English code), English in English
    assert outputs["zh"] == (
        f"pairing-rules: 已跳过插件 bad [bad-dist 9.9]：规则包文件 {pack_file} 有 1 个问题，无法加载：\n"
        f"{pack_file}:3:6: [yaml-syntax] YAML 方括号 [ ] 内缺少逗号或右括号"
        "（did not find expected ',' or ']'）\n"
    )
    assert outputs["en"] == (
        f"pairing-rules: skipped plugin bad [bad-dist 9.9] (load): the pack file {pack_file} "
        "has 1 problem(s) and cannot be loaded:\n"
        f"{pack_file}:3:6: [yaml-syntax] YAML: did not find expected ',' or ']'\n"
    )


def test_a_plugin_that_fails_to_import_is_skipped_with_a_chinese_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_entry_points(monkeypatch, entry_point("broken", "no_such_module_for_tests", "broken-dist"))
    (error,) = Registry().errors
    assert error.reason("zh") == (
        "导入插件时出错（ModuleNotFoundError: No module named 'no_such_module_for_tests'）"
    )
    assert (
        error.reason("en")
        == error.message
        == ("ModuleNotFoundError: No module named 'no_such_module_for_tests'")
    )
