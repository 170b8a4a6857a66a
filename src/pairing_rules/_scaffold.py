"""``pairing-rules new-pack``: a new pack that is correct from its first minute.

The scaffold is a complete distribution: ``pyproject.toml`` with the entry
point, the package with the document's text, ``pack.yaml`` with the metadata
and one provision quoting the document, and a test file that runs the
conformance suite.  After ``pip install -e packs/ID`` the pack is listed and
its tests pass unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Final

import yaml

from ._definition import PACK_ID
from ._i18n import Text
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
) -> Path:
    """Scaffold ``directory/pack_id``; return its path.

    :raises ScaffoldError: for an invalid id, an existing directory or a missing source.
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
    root = Path(directory) / pack_id
    if root.exists():
        raise ScaffoldError(
            Text(
                zh=f"目录 {root} 已存在，未做任何改动",
                en=f"{root} already exists; nothing was changed",
            )
        )
    quote = first_quote(text)
    package = f"pairing_rules_{pack_id}"
    src = root / "src" / package
    (root / "tests").mkdir(parents=True)
    (root / "examples").mkdir()
    src.mkdir(parents=True)
    (src / "document.txt").write_text(text, encoding="utf-8")
    (src / "py.typed").write_text("", encoding="utf-8")
    (src / "__init__.py").write_text(
        _INIT.format(pack_id=pack_id, title=title.strip()), encoding="utf-8"
    )
    (src / "pack.yaml").write_text(
        _pack_yaml(pack_id, title.strip(), quote, issuer, doc_number, published, year),
        encoding="utf-8",
    )
    (root / "pyproject.toml").write_text(
        _PYPROJECT.format(pack_id=pack_id, package=package, title=title.strip()), encoding="utf-8"
    )
    (root / "tests" / f"test_{pack_id}.py").write_text(
        _TEST.format(pack_id=pack_id), encoding="utf-8"
    )
    (root / "README.md").write_text(
        _README.format(pack_id=pack_id, title=title.strip()), encoding="utf-8"
    )
    return root


def _pack_yaml(
    pack_id: str,
    title: str,
    quote: str,
    issuer: str | None,
    doc_number: str | None,
    published: dt.date | None,
    year: int | None,
) -> str:
    data = {
        "id": pack_id,
        "version": "0.1.0",
        "label": {"zh": title, "en": title},
        "document": {
            "title": title,
            "issuer": issuer or "（待填写：发文单位）",
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
        f"# {title}\n"
        "# Every number this pack encodes carries its section and a verbatim quote of document.txt.\n"
        "# See the tutorial 'Add a new year's pack' and packs/cangnan2022/ for a complete example.\n"
    )
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
    return header + body


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
description = "Rule pack: {title}"
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
- `tests/test_{pack_id}.py`: the conformance suite and the pack's own tests.

```sh
pip install -e packs/{pack_id}
pairing-rules show {pack_id}
pytest packs/{pack_id}
```
"""
