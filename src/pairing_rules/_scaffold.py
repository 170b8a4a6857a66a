"""``pairing-rules new-pack``: a new pack that is correct from its first minute.

The scaffold is a complete distribution: ``pyproject.toml`` with the entry
point, the package with the document's text, ``pack.yaml`` with the metadata
and one provision quoting the document, a test file that runs the conformance
suite, ``examples/`` with a sample input file, and ``pack.schema.json`` (the
JSON Schema that ``pack.yaml``'s first line points editors to).  After
``pip install -e packs/ID`` the pack is listed and its tests pass unchanged.

The title goes into Python, TOML and Markdown files: it is escaped for each
(a double quote or a backslash in a title is kept as written), and must be one line.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path
from typing import Final

import yaml

from ._clock import utc_today
from ._definition import PACK_ID
from ._i18n import Text
from ._lint import PLACEHOLDER
from ._provenance import normalize_quote

_CONVERSION_MARK: Final = re.compile(r"\[[^\]]*\]")


class ScaffoldError(ValueError):
    """The pack cannot be scaffolded: a bad id, an existing directory, an unreadable source."""

    def __init__(self, text: Text) -> None:
        super().__init__(f"{text.zh} / {text.en}")
        self.text = text


def first_quote(text: str) -> str:
    """The first line of ``text`` worth citing: not blank, not a conversion mark, at most 60 characters."""
    for line in text.splitlines():
        candidate = _CONVERSION_MARK.sub("", line).strip()
        if len(normalize_quote(candidate)) >= 4:
            if len(candidate) > 60:
                candidate = candidate[:60].rstrip()
            if candidate and candidate in text:
                return candidate
    raise ScaffoldError(
        Text(
            zh="文件全文中找不到可引用的文字（至少 4 个字）",
            en="the document's text has nothing to quote (4 characters or more)",
        )
    )


def new_pack(
    pack_id: str,
    *,
    title: str,
    source: str | Path,
    directory: str | Path = "packs",
    issuer: str | None = None,
    doc_number: str | None = None,
    published: dt.date | None = None,
    year: int | None = None,
    title_en: str | None = None,
) -> Path:
    """Scaffold ``directory/pack_id``; return its path.

    :param title: the document's title as printed (the pack's Chinese label).
    :param title_en: the pack's English label (default: ``Rule pack ID``).
    :raises ScaffoldError: for an invalid id or title, a ``directory`` that is a file,
        an existing pack directory or a missing source.
    """
    if not re.fullmatch(PACK_ID, pack_id):
        raise ScaffoldError(
            Text(
                zh=f"规则包编号 {pack_id!r} 无效：应以小写字母开头，只含小写字母、数字和下划线，2 到 40 个字符（如 cangnan2023）",
                en=f"invalid pack id {pack_id!r}: start with a lowercase letter; lowercase letters, "
                "digits and underscores only; 2 to 40 characters (e.g. cangnan2023)",
            )
        )
    if not title.strip():
        raise ScaffoldError(Text(zh="--title 不能为空", en="--title must not be empty"))
    for option, value in (("--title", title), ("--title-en", title_en or "")):
        if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value.strip()):
            raise ScaffoldError(
                Text(
                    zh=f"{option} 只能是一行文字，不能含换行或控制字符",
                    en=f"{option} must be one line of text, without line breaks or control characters",
                )
            )
    title = title.strip()
    label_en = (title_en or "").strip() or f"Rule pack {pack_id}"
    source_path = Path(source)
    if not source_path.is_file():
        raise ScaffoldError(
            Text(zh=f"找不到文件全文 {source_path}", en=f"no such source file: {source_path}")
        )
    try:
        text = source_path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ScaffoldError(
            Text(zh=f"{source_path} 不是 UTF-8 文本", en=f"{source_path} is not UTF-8 text")
        ) from None
    if not text.strip():
        raise ScaffoldError(Text(zh=f"{source_path} 是空文件", en=f"{source_path} is empty"))
    parent = Path(directory)
    if parent.exists() and not parent.is_dir():
        raise ScaffoldError(
            Text(
                zh=f"--dir {parent} 是一个文件，不是目录",
                en=f"--dir {parent} is a file, not a folder",
            )
        )
    root = parent / pack_id
    if root.exists():
        raise ScaffoldError(
            Text(
                zh=f"目录 {root} 已存在，未做任何改动",
                en=f"{root} already exists; nothing was changed",
            )
        )
    quote = first_quote(text)
    package = f"pairing_rules_{pack_id}"
    files = {
        f"src/{package}/document.txt": text,
        f"src/{package}/py.typed": "",
        f"src/{package}/__init__.py": _INIT.format(
            pack_id=pack_id, title=python_docstring_text(title)
        ),
        f"src/{package}/pack.yaml": _pack_yaml(
            pack_id, title, label_en, quote, issuer, doc_number, published, year
        ),
        "pack.schema.json": _schema_text(),
        "pyproject.toml": _PYPROJECT.format(
            pack_id=pack_id, package=package, description=toml_string(f"Rule pack: {title}")
        ),
        f"tests/test_{pack_id}.py": _TEST.format(pack_id=pack_id),
        "README.md": _README.format(pack_id=pack_id, title=title),
        "examples/communities.json": _example(year or (published.year if published else None)),
    }
    _write_folder(root, files)
    return root


def _write_folder(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` into a new folder ``root`` whole or not at all: into a temporary
    folder beside it, renamed into place when complete (an existing folder is never touched)."""
    import os
    import shutil
    import tempfile

    from ._errors import OutputError
    from .io._atomic import make_folders, remove_folders, write_text

    made = make_folders(root.parent)
    try:
        temporary = Path(tempfile.mkdtemp(prefix=f".{root.name}.", suffix=".tmp", dir=root.parent))
    except OSError as exc:
        remove_folders(made)
        raise OutputError.cannot_write(root, exc) from exc
    try:
        for name, content in files.items():
            path = temporary / name
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text(content, path)
        try:
            os.chmod(temporary, 0o777 & ~_umask())
            os.rename(temporary, root)  # refused if root has appeared meanwhile
        except OSError as exc:
            raise OutputError.cannot_write(root, exc) from exc
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        remove_folders(made)
        raise


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string, quotes included (``"`` and ``\\`` escaped)."""
    out = ['"']
    for ch in value:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def python_docstring_text(value: str) -> str:
    """``value`` safe inside a ``\"\"\"…\"\"\"`` docstring: backslashes and quotes escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _schema_text() -> str:
    from ._schema import pack_schema

    return json.dumps(pack_schema(), ensure_ascii=False, indent=2) + "\n"


def _example(year: int | None) -> str:
    """A sample input file: one community-year record, the vocabulary's required fields filled in."""
    record = {
        "id": "示例-01",
        "type": "融合型",
        "scope": "县域内",
        "year": year or utc_today().year,
        "sync_lessons": 20,
        "sync_subjects": 2,
        "online_research": 8,
        "offline_research": 4,
        "satisfaction": 92,
    }
    return json.dumps({"communities": [record]}, ensure_ascii=False, indent=2) + "\n"


def _pack_yaml(
    pack_id: str,
    title: str,
    title_en: str,
    quote: str,
    issuer: str | None,
    doc_number: str | None,
    published: dt.date | None,
    year: int | None,
) -> str:
    data = {
        "id": pack_id,
        "version": "0.1.0",
        "label": {"zh": title, "en": title_en},
        "document": {
            "title": title,
            "issuer": issuer or f"{PLACEHOLDER}：发文单位）",
            "doc_number": doc_number,
            "published": published,
            "year": year,
            "notes": [],
            "text": "document.txt",
        },
        "collections": [],
        "provisions": [
            {
                "id": "document.heading",
                "kind": "fact",
                "label": {"zh": "文件开头", "en": "the document's opening words"},
                "value": quote,
                "source": {"section": "标题", "quote": quote},
            }
        ],
        "interpretations": [],
    }
    header = (
        "# yaml-language-server: $schema=../../pack.schema.json\n"
        f"# {title}\n"
        "# Every number this pack encodes carries its section and a verbatim quote of document.txt.\n"
        "# See the tutorial 'Add a new year's pack' and packs/cangnan2022/ for a complete example.\n"
    )
    body = yaml.dump(data, Dumper=_IndentedDumper, allow_unicode=True, sort_keys=False, width=120)
    return header + body


class _IndentedDumper(yaml.SafeDumper):
    """Lists indented under their key, as every example of the docs writes them.

    An author pastes the tutorial's ``  - id: …`` entries after the scaffold's
    example provision; written at the key's own column, the two would not line up
    and the file would no longer parse.
    """

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


_INIT: Final = '''"""Rule pack ``{pack_id}``: {title}."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

from pairing_rules import Pack, hookimpl, load_pack

PACK_ID: Final = "{pack_id}"
PACK_FILE: Final = Path(__file__).with_name("pack.yaml")


def load() -> Pack:
    """Load the pack from its file (a fresh object each call)."""
    return load_pack(PACK_FILE)


@hookimpl
def pairing_rules_packs() -> Sequence[Pack]:
    return [load()]
'''

_PYPROJECT: Final = """[build-system]
requires = ["hatchling>=1.18"]
build-backend = "hatchling.build"

[project]
name = "pairing-rules-{pack_id}"
version = "0.1.0"
description = {description}
requires-python = ">=3.11"
dependencies = ["pairing-rules>=0.1"]

[project.entry-points.pairing_rules]
{pack_id} = "{package}"

[tool.hatch.build.targets.wheel]
packages = ["src/{package}"]
"""

_TEST: Final = '''"""Tests of the ``{pack_id}`` pack: the conformance suite, then the pack's own numbers."""

from __future__ import annotations

from pairing_rules import Registry
from pairing_rules.testing import PackConformance


class TestConformance(PackConformance):
    pack_id = "{pack_id}"


def test_the_pack_is_installed_and_cites_its_document() -> None:
    pack = Registry().get_pack("{pack_id}")
    heading = next(p for p in pack.provisions() if p.id == "document.heading")
    assert pack.document.contains(heading.source.quote)
'''

_README: Final = """# pairing-rules-{pack_id}

Rule pack for *{title}*.

- `src/pairing_rules_{pack_id}/document.txt`: the document's full text;
- `src/pairing_rules_{pack_id}/pack.yaml`: its provisions, each with a verbatim quote;
- `tests/test_{pack_id}.py`: the conformance suite and the pack's own tests;
- `examples/`: sample input records;
- `pack.schema.json`: the JSON Schema of `pack.yaml`, for editors (`pack.yaml`'s first line points to it).

```sh
pairing-rules lint packs/{pack_id}
pip install -e packs/{pack_id}
pairing-rules show {pack_id}
pytest packs/{pack_id}
pairing-rules schema pack --out packs/{pack_id}/pack.schema.json
```
"""
