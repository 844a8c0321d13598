"""``chanjiao serve``: uvicorn with the app factory."""

from __future__ import annotations

import os
import tempfile

import typer

from service.cli import ports

KEEP_ALIVE_S = 65


def serve(
    host: str = typer.Option("127.0.0.1", help="监听地址"),
    port: int = typer.Option(8000, help="监听端口"),
    workers: int = typer.Option(1, min=1, help="工作进程数（SQLite 只支持 1 个）"),
    reload: bool = typer.Option(False, help="代码变更时自动重启（开发用）"),
) -> None:
    """启动HTTP服务。"""
    # Before anything loads: a busy port is said at once, in Chinese (not uvicorn's bind error).
    busy = ports.busy_message(host, port)
    if busy is not None:
        typer.echo(busy, err=True)
        raise typer.Exit(2)
    import uvicorn

    from service.db import is_sqlite
    from service.settings import settings

    if workers > 1 and is_sqlite(settings.database_url):
        # Writers queue in one process (service/db.py); across processes only SQLite's busy
        # handler is left, which answers "database is locked" under load.
        typer.echo(
            "错误：SQLite 数据库只支持 1 个工作进程（多个进程同时写入会出现“database is locked”）。"
            "需要多个工作进程时请使用 PostgreSQL：DATABASE_URL=postgresql+psycopg://用户@主机/库名 "
            f"chanjiao serve --workers {workers}",
            err=True,
        )
        raise typer.Exit(2)
    from service import metrics
    from service.request_log import log_config

    if workers > 1 and not metrics.multiprocess_mode():
        # Each worker counts for itself: with a shared folder /metrics answers the sum of all of
        # them, whichever worker serves the scrape (docs/operations.md). A fresh folder per start:
        # files left by an earlier run would be added in.
        os.environ[metrics.MULTIPROC_ENV] = tempfile.mkdtemp(prefix="chanjiao-metrics-")
    uvicorn.run(
        "service.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_level="info",
        # One format for every logger (CHANJIAO_LOG_FORMAT), and no uvicorn access line: it
        # prints the raw path and query string; service/request_log.py logs the route template.
        log_config=log_config(settings.effective_log_format),
        access_log=False,
        server_header=False,  # no "server: uvicorn" banner
        # Longer than uvicorn's 5 s: a loaded process may take seconds to read a request that has
        # already arrived, and closing its connection as idle meanwhile drops it (measured with
        # make load at 256 connections).
        timeout_keep_alive=KEEP_ALIVE_S,
        # The client address (the login throttle's key) comes from X-Forwarded-For only when the
        # peer is a proxy named in CHANJIAO_FORWARDED_ALLOW_IPS; uvicorn's own default trusts
        # loopback, so anything on the host could pick its key.
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
    )
