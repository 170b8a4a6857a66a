"""The integrators' page: its httpx example runs against the real server and prints what it shows."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "docs" / "integrate.md"


def _block(name: str) -> str:
    text = PAGE.read_text(encoding="utf-8")
    found = re.search(rf"^```\{{code-block\}} \w+\n:name: {name}\n\n(.*?)^```$", text, re.S | re.M)
    assert found is not None, name
    return found.group(1)


def test_the_httpx_example_prints_what_the_page_shows(live_server: str) -> None:
    pytest.importorskip("httpx")
    code = _block("httpx-example")
    assert 'BASE = "http://127.0.0.1:8000/api/v1"' in code
    code = code.replace("http://127.0.0.1:8000", live_server)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(PAGE), "exec"), {"__name__": "docs_integrate"})
    assert printed.getvalue().strip() == _block("httpx-output").strip()
