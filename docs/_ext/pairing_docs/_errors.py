"""The table of error codes, written from ``pairing_rules.ERROR_CODES``."""

from __future__ import annotations

from typing import Final

from pairing_rules import ERROR_CODES
from pairing_rules.serve._failures import status_of

_CONCERNS: Final = {
    "record": "记录（其余记录照常处理） / a record (the others are processed)",
    "file": "输入文件或输入对象 / the input file or object",
    "request": "调用或请求的参数 / a call's or a request's arguments",
    "pack": "已安装的规则包 / the installed packs",
}


def render_error_codes() -> str:
    """A Markdown table: code, what it concerns, HTTP status, meaning (zh, en)."""
    lines = [
        "| code | 涉及 / concerns | HTTP | 含义 / meaning |",
        "|---|---|---|---|",
    ]
    for code, (zh, en, concerns) in ERROR_CODES.items():
        status = "200（`rejected`）" if concerns == "record" else str(status_of(code))
        lines.append(f"| `{code}` | {_CONCERNS[concerns]} | {status} | {zh} / *{en}* |")
    return "\n".join(lines) + "\n"
