"""Real servers for tests: a uvicorn server in a thread of the test process, and the two-host
topology of deploy/ (two ``chanjiao serve`` subprocesses behind nginx)."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
import yaml  # type: ignore[import-untyped]  # PyYAML, pinned in constraints.txt
from fastapi import FastAPI


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """Serves ``app`` (lifespan included) and yields its base URL; stops it afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


# ---------------------------------------------------------------- two hosts behind nginx

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
NGINX = Path("/usr/sbin/nginx")
# What the compose file's app hosts get that a loopback run gives differently (the container
# names become loopback ports); any other variable of deploy/compose.yaml is copied as it is.
_NGINX_VARIABLES = ("LISTEN", "APP_A", "APP_B")
_TEMPLATE_HOLE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def compose_file() -> dict[str, Any]:
    """deploy/compose.yaml, parsed."""
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def render_nginx_conf(listen: str, app_a: str, app_b: str) -> str:
    """deploy/nginx.conf with its three holes filled, as envsubst fills them in the container."""
    text = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    for name, value in zip(_NGINX_VARIABLES, (listen, app_a, app_b), strict=True):
        text = text.replace("${" + name + "}", value)
    left = _TEMPLATE_HOLE.findall(text)
    if left:
        raise ValueError(f"deploy/nginx.conf has holes the compose file does not fill: {left}")
    return text


def app_environment(local: dict[str, str]) -> dict[str, str]:
    """The app hosts' environment of deploy/compose.yaml, with ``local`` values for this machine.

    Every variable the compose file gives the app needs a local value and nothing else may be
    set, so the loopback topology cannot drift from the compose file unnoticed."""
    declared = set(compose_file()["services"]["app-a"]["environment"])
    if declared != set(local):
        raise ValueError(
            "deploy/compose.yaml's app environment and the loopback run differ: "
            f"only in compose {sorted(declared - set(local))}, "
            f"only here {sorted(set(local) - declared)}"
        )
    return local


def app_command(port: int) -> list[str]:
    """The app hosts' command of deploy/compose.yaml, on a loopback port of this machine."""
    command = list(compose_file()["services"]["app-a"]["command"])
    if command[:2] != ["chanjiao", "serve"]:
        raise ValueError(f"deploy/compose.yaml's app command is not `chanjiao serve`: {command}")
    options = dict(zip(command[2::2], command[3::2], strict=True))
    options["--host"] = "127.0.0.1"
    options["--port"] = str(port)
    chanjiao = str(Path(sys.executable).parent / "chanjiao")
    return [chanjiao, "serve", *(x for kv in options.items() for x in kv)]


_METRIC = re.compile(r"^(chanjiao_[a-z_]+)(?:\{([^}]*)\})? ([0-9.e+-]+)$", re.M)


def metric_sum(text: str, name: str, **labels: str) -> float:
    """The sum of ``name``'s samples in a Prometheus text page whose labels include ``labels``."""
    total = 0.0
    for found, label_text, value in _METRIC.findall(text):
        if found != name:
            continue
        have = dict(re.findall(r'(\w+)="([^"]*)"', label_text or ""))
        if all(have.get(k) == v for k, v in labels.items()):
            total += float(value)
    return total


@dataclass
class TwoHosts:
    """Base URLs: ``proxy`` is nginx; ``hosts`` the two ``chanjiao serve`` processes behind it."""

    proxy: str
    hosts: tuple[str, str]
    metrics_token: str
    secret_key: str
    folder: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def scrape(self) -> list[str]:
        """Each host's ``/metrics`` (directly, with the token, as Prometheus reads them)."""
        auth = {"Authorization": f"Bearer {self.metrics_token}"}
        pages = []
        for host in self.hosts:
            answer = httpx.get(f"{host}/metrics", headers=auth, timeout=10)
            answer.raise_for_status()
            pages.append(answer.text)
        return pages

    def stop(self, name: str) -> None:
        """Stops one process (``a``, ``b`` or ``nginx``) as its supervisor would (SIGTERM), and
        waits for it."""
        process = self.processes[name]
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


def wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    """Until ``url``'s ``/readyz`` answers 200; a process that exits or a deadline passed raises."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited ({process.returncode}); see {log}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not get ready in {seconds:.0f} s; see {log}")
        time.sleep(0.2)


@contextmanager
def two_hosts(
    database_url: str,
    redis_url: str,
    folder: Path,
    extra_env: dict[str, str] | None = None,
    ready_s: float = 120,
) -> Iterator[TwoHosts]:
    """deploy/compose.yaml without containers: two ``chanjiao serve`` (its command and
    environment, loopback ports) on ``database_url`` (migrated, catalogue loaded: the compose
    file's ``migrate``) and ``redis_url``, and nginx from deploy/nginx.conf in front of them.

    ``extra_env`` is for knobs only a test turns (a faster job interval); the compose file's own
    variables all come from here. Logs: ``folder``/a.log, b.log, nginx.log."""
    if not NGINX.exists():
        raise RuntimeError(f"{NGINX} is missing: apt-get install -y nginx (make browser does it)")
    folder.mkdir(parents=True, exist_ok=True)
    # nginx's workers run as nobody when the test runs as root: they must reach their temp folders.
    folder.chmod(0o755)
    ports = {"nginx": free_port(), "a": free_port(), "b": free_port()}
    metrics_token = secrets.token_urlsafe(24)
    secret_key = secrets.token_urlsafe(48)
    env = os.environ | app_environment(
        {
            "CHANJIAO_ENVIRONMENT": "production",
            "DATABASE_URL": database_url,
            "CHANJIAO_SECRET_KEY": secret_key,
            "CHANJIAO_REDIS_URL": redis_url,
            "CHANJIAO_FORWARDED_ALLOW_IPS": "127.0.0.1",
            "CHANJIAO_METRICS_TOKEN": metrics_token,
            "CHANJIAO_PUBLIC_URL": f"http://127.0.0.1:{ports['nginx']}",
        }
    )
    env |= extra_env or {}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # each host makes its own, as in its container
    hosts = TwoHosts(
        proxy=f"http://127.0.0.1:{ports['nginx']}",
        hosts=(f"http://127.0.0.1:{ports['a']}", f"http://127.0.0.1:{ports['b']}"),
        metrics_token=metrics_token,
        secret_key=secret_key,
        folder=folder,
    )
    try:
        for name in ("a", "b"):
            with (folder / f"{name}.log").open("wb") as out:
                hosts.processes[name] = subprocess.Popen(
                    app_command(ports[name]),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=env,
                    start_new_session=True,
                )
        (folder / "nginx.conf").write_text(
            render_nginx_conf(
                f"127.0.0.1:{ports['nginx']}",
                f"127.0.0.1:{ports['a']}",
                f"127.0.0.1:{ports['b']}",
            ),
            encoding="utf-8",
        )
        with (folder / "nginx.log").open("wb") as out:
            hosts.processes["nginx"] = subprocess.Popen(
                [str(NGINX), "-e", "stderr", "-p", f"{folder}/", "-c", str(folder / "nginx.conf")]
                + ["-g", "daemon off;"],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        for name, url in zip(("a", "b"), hosts.hosts, strict=True):
            wait_ready(url, hosts.processes[name], folder / f"{name}.log", ready_s)
        wait_ready(hosts.proxy, hosts.processes["nginx"], folder / "nginx.log", 10)
        yield hosts
    finally:
        for name in list(hosts.processes):
            hosts.stop(name)
