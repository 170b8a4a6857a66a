"""The kit for pack authors: the pytest plugin's fixtures and the progress bar's timing."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from pairing_rules import Pack, Registry
from pairing_rules.cli import _progress
from pairing_rules.cli._progress import ProgressBar

DEMO = Path(__file__).parent / "demo" / "pack.yaml"


def test_registry_fixture_is_fresh(pairing_registry: Registry) -> None:
    assert isinstance(pairing_registry, Registry)
    assert pairing_registry is not Registry()
    assert "cangnan2022" in pairing_registry.packs


def test_load_pack_file_fixture(load_pack_file: Callable[[Path], Pack]) -> None:
    pack = load_pack_file(DEMO)
    assert pack.ref == "demo@0.1.0"


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_bar_appears_only_after_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _Clock()
    monkeypatch.setattr(_progress.time, "monotonic", clock)
    monkeypatch.setattr(_progress.sys, "stderr", io.StringIO())
    with ProgressBar(10, "评分", enabled=True) as bar:
        bar()
        assert bar._bar is None  # 0 s: nothing shown yet
        clock.now += 1.5
        bar()
        assert bar._bar is not None  # past the delay the bar is shown
        assert bar.done == 2


def test_progress_bar_is_off_without_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _Clock()
    monkeypatch.setattr(_progress.time, "monotonic", clock)
    with ProgressBar(10, "评分", enabled=False) as bar:
        clock.now += 5
        bar()
        assert bar._bar is None and bar.done == 1
