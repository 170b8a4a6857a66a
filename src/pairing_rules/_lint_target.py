"""Lint, the command's side: which pack file a target names, and the report.

``pairing-rules lint`` takes a pack folder, a ``pack.yaml`` or an installed
pack's id.  The pack need not be installed: its own module and record types
(``python:`` in ``pack.yaml``) are imported from the folder beside the file.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path as FilePath
from typing import Any, Final

from ._i18n import Text
from ._lint import LintIssue, did_you_mean, lint_text


class LintTargetError(LookupError):
    """``lint`` was given a path that does not exist and no installed pack has that name."""

    def __init__(self, text: Text) -> None:
        super().__init__(f"{text.zh} / {text.en}")
        self.text = text


@dataclass
class LintReport:
    """The problems of one pack file."""

    target: str
    file: str
    pack_id: str | None
    issues: list[LintIssue]

    @property
    def ok(self) -> bool:
        return not self.issues

    def as_json(self) -> dict[str, Any]:
        """The JSON contract of ``pairing-rules lint --format json``."""
        counts: dict[str, int] = {}
        for issue in self.issues:
            counts[issue.code] = counts.get(issue.code, 0) + 1
        return {
            "target": self.target,
            "file": self.file,
            "pack": self.pack_id,
            "ok": self.ok,
            "counts": dict(sorted(counts.items())),
            "issues": [i.as_json() for i in self.issues],
        }


def lint(target: str | FilePath, *, overrides: Mapping[str, str] | None = None) -> LintReport:
    """Lint a pack directory, a pack file, or an installed pack by id.

    The pack's own record types (``python.record_types``) are imported from the
    module beside ``pack.yaml``, which need not be installed.

    :raises LintTargetError: when the target is neither a path nor an installed pack.
    """
    file = resolve_target(str(target))
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LintTargetError(
            Text(zh=f"无法读取 {file}：{exc}", en=f"cannot read {file}: {exc}")
        ) from None
    shown = _shown(file)
    issues = lint_text(text, file=shown, base=file.parent, overrides=overrides)
    pack_id = None
    match = re.search(r"^id:\s*([a-z][a-z0-9_]*)\s*$", text, re.M)
    if match:
        pack_id = match.group(1)
    return LintReport(target=str(target), file=shown, pack_id=pack_id, issues=issues)


def _shown(file: FilePath) -> str:
    """The file as a message names it: relative to the working folder when inside it."""
    try:
        return str(file.resolve().relative_to(FilePath.cwd().resolve()))
    except ValueError:
        return str(file)


def resolve_target(target: str) -> FilePath:
    """The pack file a target names: a pack file, a folder holding one, or an installed pack."""
    path = FilePath(target)
    if path.exists():
        return pack_file_in(path)
    ep = _entry_point(target)
    if ep is None:
        installed = sorted(e.name for e in metadata.entry_points(group=_GROUP))
        hint = did_you_mean(target, installed)
        raise LintTargetError(
            Text(
                zh=f"没有 {target} 这个路径，也没有名为 {target} 的已安装规则包"
                + (f"；{hint.zh}" if hint else f"；已安装：{'、'.join(installed) or '（无）'}"),
                en=f"no such path and no installed pack named {target}"
                + (f"; {hint.en}" if hint else f"; installed: {', '.join(installed) or '(none)'}"),
            )
        )
    spec = importlib.util.find_spec(ep.module)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise LintTargetError(
            Text(
                zh=f"已安装的规则包 {target} 不是一个包目录：{ep.value}",
                en=f"the installed pack {target} is not a package folder: {ep.value}",
            )
        )
    file = FilePath(locations[0]) / "pack.yaml"
    if not file.is_file():
        raise LintTargetError(
            Text(
                zh=f"已安装的规则包 {target} 旁边没有 pack.yaml：{file}",
                en=f"the installed pack {target} has no pack.yaml beside it: {file}",
            )
        )
    return file


_GROUP: Final = "pairing_rules"


def _entry_point(name: str) -> metadata.EntryPoint | None:
    for ep in metadata.entry_points(group=_GROUP):
        if ep.name == name:
            return ep
    return None


def pack_file_in(path: FilePath) -> FilePath:
    """The pack file ``path`` names: the file itself, ``pack.yaml`` in the folder, or the one
    ``pack.yaml`` under its ``src/*/`` (a pack's distribution).

    :raises LintTargetError: when there is none, or more than one.
    """
    if path.is_file():
        return path
    direct = path / "pack.yaml"
    if direct.is_file():
        return direct
    found = sorted(path.glob("src/*/pack.yaml")) or sorted(path.glob("*/pack.yaml"))
    if len(found) == 1:
        return found[0]
    if not found:
        raise LintTargetError(
            Text(
                zh=f"{path} 中没有 pack.yaml（也不在 src/*/ 下）",
                en=f"no pack.yaml in {path} (nor under src/*/)",
            )
        )
    raise LintTargetError(
        Text(
            zh=f"{path} 中有多个 pack.yaml，请指定其一：{'、'.join(map(str, found))}",
            en=f"{path} holds several pack.yaml files, name one: {', '.join(map(str, found))}",
        )
    )
