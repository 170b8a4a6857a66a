"""The server's routes as a Markdown table, from its OpenAPI document."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

_DOCUMENT = (
    "import json, sys; from pairing_rules.serve import create_app; "
    "sys.stdout.write(json.dumps(create_app().openapi()))"
)


def openapi_document() -> dict[str, Any]:
    """The server's OpenAPI document, made in a process of its own.

    FastAPI is imported there, not in Sphinx's process (whose autodoc set-up FastAPI's
    own models do not survive).
    """
    done = subprocess.run(
        [sys.executable, "-c", _DOCUMENT], capture_output=True, text=True, check=True, timeout=120
    )
    document: dict[str, Any] = json.loads(done.stdout)
    return document


def render_endpoints() -> str:
    """Method, path, what it does, and what it answers, for every route of ``/api/v1``."""
    document = openapi_document()
    lines = [
        f"OpenAPI {document['openapi']}, `{document['info']['title']}` {document['info']['version']}.",
        "",
        "| method | path | 用途 / what | answers |",
        "|---|---|---|---|",
    ]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            answers = []
            for status, response in operation.get("responses", {}).items():
                kinds = list(response.get("content", {}))
                refs = [
                    c["schema"]["$ref"].rsplit("/", 1)[-1]
                    for c in response.get("content", {}).values()
                    if "$ref" in c.get("schema", {})
                ]
                shown = ", ".join(dict.fromkeys(refs)) or ", ".join(kinds) or "—"
                answers.append(f"{status}: {shown}")
            lines.append(
                f"| `{method.upper()}` | `{path}` | {operation.get('summary', '')} | "
                + "; ".join(answers)
                + " |"
            )
    return "\n".join(lines) + "\n"
