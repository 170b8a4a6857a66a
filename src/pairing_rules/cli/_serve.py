"""``pairing-rules serve``: the REST API and the web page, on this machine unless told otherwise."""

from __future__ import annotations

import argparse
import os
import socket
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._i18n import Lang


def add_parser(sub: Any, common: Any) -> None:
    """Add ``serve`` to the subcommands of ``pairing-rules``."""
    from ..serve._settings import MAX_BYTES, MAX_RECORDS

    p = sub.add_parser(
        "serve",
        help="启动网页版和数据接口服务 / run the web page and the REST API",
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="监听地址（默认只限本机） / the address to listen on (default: this machine only)",
    )
    p.add_argument("--port", type=int, default=8000, help="端口 / the port (default: 8000)")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="评分、检查上传文件的工作进程数（空闲者依次领取任务） / the worker processes that "
        "score and check uploads, each taking the next job when it is free (default: 1)",
    )
    p.add_argument(
        "--max-bytes",
        type=int,
        default=None,
        metavar="N",
        help=f"上传大小上限（字节） / the largest upload, in bytes (default: {MAX_BYTES})",
    )
    p.add_argument(
        "--max-records",
        type=int,
        default=None,
        metavar="N",
        help=f"每次请求的记录数上限 / the most records per request (default: {MAX_RECORDS})",
    )
    common(p, fmt=False)


def run(args: argparse.Namespace, lang: Lang, usage_error: Any) -> int:
    """Serve until interrupted (Ctrl-C)."""
    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError:
        raise usage_error(
            "需要安装 serve 附加依赖：pip install 'pairing-rules[serve]'",
            "the server needs the serve extra: pip install 'pairing-rules[serve]'",
        ) from None
    from ..serve._settings import BYTES_ENV, RECORDS_ENV, WORKERS_ENV

    for value, name, env in (
        (args.max_bytes, "--max-bytes", BYTES_ENV),
        (args.max_records, "--max-records", RECORDS_ENV),
    ):
        if value is None:
            continue
        if value <= 0:
            raise usage_error(f"{name} 应为正整数", f"{name} takes a positive number")
        os.environ[env] = str(value)  # read by every worker's application
    if args.workers < 1:
        raise usage_error("--workers 应为正整数", "--workers takes a positive number")
    # one process answers HTTP; the workers take the uploads' jobs from one queue
    os.environ[WORKERS_ENV] = str(args.workers)
    if not 0 < args.port < 65536:
        raise usage_error(
            f"--port 应为 1 到 65535 之间的端口号，收到 {args.port}",
            f"--port takes a port number from 1 to 65535, got {args.port}",
        )
    try:  # the address is tried first, so that a mistake is a message rather than a traceback
        with socket.create_server((args.host, args.port)):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise usage_error(
            f"无法在 {args.host}:{args.port} 上监听（{reason}）：地址有误、端口已被占用或没有权限",
            f"cannot listen on {args.host}:{args.port} ({reason}): a wrong address, "
            "a port in use or no permission",
        ) from None
    shown = f"http://{args.host}:{args.port}/"
    print(
        f"pairing-rules 服务：{shown}（Ctrl-C 停止）"
        if lang == "zh"
        else f"pairing-rules: {shown} (Ctrl-C stops)"
    )
    uvicorn.run(
        "pairing_rules.serve:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        log_level="info",
    )
    return 0
