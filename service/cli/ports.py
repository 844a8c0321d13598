"""Whether the server's port is free, asked before any set-up work (``make demo``) and by
``chanjiao serve`` before it starts: a busy port is reported at once, in Chinese, instead of
uvicorn's English bind error after the application has loaded.

``python -m service.cli.ports HOST PORT`` prints the reason and exits 1 when the port is taken.
"""

from __future__ import annotations

import errno
import socket
import sys


def busy_message(host: str, port: int) -> str | None:
    """None when ``host:port`` can be listened on; else why not, in Chinese."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return f"错误：无法识别监听地址 {host}，请检查 HOST 设置（例如 HOST=127.0.0.1）。"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        # As uvicorn binds: a port left in TIME_WAIT by a stopped server is free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return (
                    f"错误：端口 {port} 已被占用（{host}:{port} 上已有程序在监听），服务无法启动。"
                    f"请关闭占用该端口的程序，或换一个端口：make demo PORT={_other(port)}"
                    f"（或 chanjiao serve --port {_other(port)}）。"
                )
            if error.errno == errno.EACCES:
                return (
                    f"错误：没有权限监听端口 {port}（1024 以下的端口需要管理员权限），"
                    f"请换一个端口：make demo PORT={_other(port)}。"
                )
            return f"错误：无法监听 {host}:{port}（{error.strerror}），请检查 HOST 和 PORT 设置。"
    return None


def _other(port: int) -> int:
    return port + 1 if port < 65535 else 8000


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[1].isdigit():
        sys.stderr.write("用法：python -m service.cli.ports 监听地址 端口\n")
        return 2
    message = busy_message(argv[0], int(argv[1]))
    if message is None:
        return 0
    sys.stderr.write(message + "\n")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
