"""Where a pack's results come from: who provides the pack, who extends it, and the hashes
that travel with every result (the pack's content; the content with its extensions)."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ._definition import PackDefinition
from ._models import Record
from ._provenance import Document


class Origin(BaseModel):
    """Who provides a pack or extends it: a plugin, and the distribution it was installed from.

    :param plugin: the plugin's name (its entry point's name, where it has one).
    :param distribution: the installed distribution's name (``None`` for a plugin
        registered directly, or a pack loaded from a path).
    :param version: the distribution's version.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    plugin: str
    distribution: str | None = None
    version: str | None = None

    def as_json(self) -> dict[str, str | None]:
        return {"plugin": self.plugin, "distribution": self.distribution, "version": self.version}

    def render(self) -> str:
        if self.distribution is None:
            return self.plugin
        return f"{self.distribution} {self.version or ''}".strip()


class Provenance(BaseModel):
    """What produced a result: who provided the pack, who extended it, and a hash of both.

    :param hash: the pack's content hash when nothing extends it; otherwise a hash
        over the content hash and the extensions (so an extension shows in the hash).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    hash: str
    origin: Origin | None = None
    extensions: list[Origin] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class HookCall:
    """One plugin's answer to a hook for a pack: its result, or the error it raised."""

    origin: Origin
    result: Any
    error: str | None = None


def provenance_hash(content_hash: str, extensions: Sequence[Origin]) -> str:
    """The hash of what produced a result: the pack's content and the plugins extending it."""
    if not extensions:
        return content_hash
    payload = {"pack": content_hash, "extensions": [e.as_json() for e in extensions]}
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


@functools.cache
def _schema(model: type[Record]) -> dict[str, Any]:
    """The JSON schema of a record type (a class's schema never changes: computed once)."""
    return model.model_json_schema()


@functools.cache
def _code_hash(module: ModuleType) -> str:
    """The sha256 of a pack module's source files (a package: every ``.py`` file in it)."""
    file = Path(getattr(module, "__file__", "") or "")
    digest = hashlib.sha256()
    if file.name == "__init__.py":
        root = file.parent
        files = sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)
    else:
        root, files = file.parent, [file]
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()


def content_hash(
    definition: PackDefinition,
    document: Document,
    record_types: Mapping[str, type[Record]],
    module: ModuleType | None,
) -> str:
    payload: dict[str, Any] = {
        "definition": definition.model_dump(mode="json"),
        "document": document.model_dump(mode="json"),
        "record_types": {k: _schema(v) for k, v in sorted(record_types.items())},
    }
    if module is not None:
        payload["code"] = _code_hash(module)
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()
