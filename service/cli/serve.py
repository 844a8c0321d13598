"""``chanjiao serve``: uvicorn with the app factory."""

from __future__ import annotations

import typer
import uvicorn


def serve(
    host: str = typer.Option("127.0.0.1", help="监听地址"),
    port: int = typer.Option(8000, help="监听端口"),
    workers: int = typer.Option(1, min=1, help="工作进程数"),
    reload: bool = typer.Option(False, help="代码变更时自动重启（开发用）"),
) -> None:
    """启动HTTP服务。"""
    uvicorn.run(
        "service.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_level="info",
        server_header=False,  # no "server: uvicorn" banner
    )
