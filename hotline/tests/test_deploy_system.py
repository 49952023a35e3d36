"""Issue 19: the deployment files of deploy/ start a two-app-process, two-worker system on this
machine behind nginx, on PostgreSQL and Redis: /readyz answers through the proxy, a Server-Sent
Events stream passes through as it comes, requests land on both app processes, the WebSocket
location passes the upgrade, and the metrics of both processes are summed.

The units are read as systemd would (ExecStart, Environment, EnvironmentFile with the example
environment file), the upgrade steps of docs/deploy.md run first (migrate, collectstatic), and
nginx runs the site file with a self-signed certificate, as the tests' user, in a temp folder."""

import base64
import contextlib
import hashlib
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotline.tests.deploy_files import DEPLOY, nginx_main_config, nginx_site_here
from hotline.tests.deploy_machine import (
    free_port,
    hotline_step,
    machine_environment,
    new_database,
    running,
    unit_process,
)
from hotline.tests.processes import wait_for

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
HOST = "hotline.example.com"  # the example environment file's and the site's name
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not NGINX, reason="needs nginx (make system-packages)"),
    pytest.mark.skipif(
        not os.environ.get("HOTLINE_REDIS_URL"), reason="needs Redis: tools/testservers.py --redis"
    ),
]


@pytest.fixture
def database() -> Iterator[str]:
    with new_database(os.environ["HOTLINE_DATABASE_URL"], f"hotline_deploy_{os.getpid()}") as url:
        yield url


@pytest.fixture
def machine(tmp_path: Path, database: str) -> dict[str, object]:
    redis_url = os.environ["HOTLINE_REDIS_URL"].rsplit("/", 1)[0] + "/7"
    return machine_environment(tmp_path, database, HOTLINE_REDIS_URL=redis_url)


def self_signed(folder: Path) -> tuple[Path, Path]:
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}"),
            *("-keyout", str(key), "-out", str(certificate)),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


class UpgradeEcho:
    """Stands in for Kamailio's WebSocket port: answers an upgrade with 101, then echoes."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.headers = b""
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        with contextlib.suppress(OSError):
            peer, _ = self.listener.accept()
            with peer:
                while b"\r\n\r\n" not in self.headers:
                    self.headers += peer.recv(4096)
                key = next(
                    line.split(b":", 1)[1].strip()
                    for line in self.headers.split(b"\r\n")
                    if line.lower().startswith(b"sec-websocket-key:")
                )
                accept = base64.b64encode(
                    hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest()
                )
                peer.sendall(
                    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
                )
                peer.sendall(peer.recv(4096))  # one echo is enough to show the bytes pass

    def close(self) -> None:
        self.listener.close()


def tls_context(certificate: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(certificate))
    context.check_hostname = False  # we connect to 127.0.0.1; the chain is still verified
    return context


def https(port: int, context: ssl.SSLContext) -> http.client.HTTPSConnection:
    return http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)


def get(port: int, context: ssl.SSLContext, path: str, **headers: str):
    connection = https(port, context)
    try:
        connection.request("GET", path, headers={"Host": HOST, **headers})
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()


def test_deploy_files_start_two_app_processes_and_two_workers_behind_nginx(machine):
    tmp: Path = machine["tmp"]
    hotline_step(machine, "migrate", "--no-input", "-v0")  # the upgrade steps, in order
    hotline_step(machine, "collectstatic", "--no-input", "-v0")
    app_ports = [free_port(), free_port()]
    logs = {port: tmp / f"serve-{port}.log" for port in app_ports}
    apps = [unit_process(machine, "hotline-serve@.service", str(p), logs[p]) for p in app_ports]
    workers = [
        unit_process(machine, "hotline-worker@.service", str(n), tmp / f"worker-{n}.log")
        for n in (1, 2)
    ]
    certificate, key = self_signed(tmp)
    echo = UpgradeEcho()
    https_port, http_port = free_port(), free_port()
    site = tmp / "hotline.conf"
    site.write_text(
        nginx_site_here(
            (DEPLOY / "nginx" / "hotline.conf").read_text(),
            app_ports=app_ports,
            https_port=https_port,
            http_port=http_port,
            sip_ws_port=echo.port,
            certificate=certificate,
            key=key,
            static_root=machine["var"] / "static",
        )
    )
    nginx_dir = tmp / "nginx"
    nginx_dir.mkdir()
    main = nginx_dir / "nginx.conf"
    main.write_text(nginx_main_config(nginx_dir, site, as_root=os.geteuid() == 0))
    tested = subprocess.run(
        [NGINX, "-t", "-p", str(nginx_dir), "-c", str(main), "-e", str(nginx_dir / "error.log")],
        capture_output=True,
        text=True,
    )
    assert tested.returncode == 0, tested.stderr
    nginx = subprocess.Popen(
        [NGINX, "-p", str(nginx_dir), "-c", str(main), "-e", str(nginx_dir / "error.log")],
        start_new_session=True,
    )
    context = tls_context(certificate)
    with running([*apps, *workers, nginx]):
        try:
            _check_the_system(machine, context, https_port, http_port, app_ports, logs)
            _check_the_websocket_location(context, https_port, echo)
        except BaseException:
            for log in [*sorted(tmp.glob("*.log")), nginx_dir / "error.log"]:
                print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")
            raise
        finally:
            echo.close()


def _check_the_system(machine, context, https_port, http_port, app_ports, logs) -> None:
    # Ready through the proxy: the database, Redis, the workers' heartbeats.
    def ready():
        """/readyz through nginx answers 200"""
        with contextlib.suppress(OSError, http.client.HTTPException):
            status, _, body = get(https_port, context, "/readyz")
            return json.loads(body) if status == 200 else None

    answer = wait_for(ready, 90, step=0.5)
    assert answer == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "worker": "ok", "sip_edge": "off"},
    }
    # Plain HTTP is sent to HTTPS.
    plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
    plain.request("GET", "/readyz", headers={"Host": HOST})
    redirect = plain.getresponse()
    assert (redirect.status, redirect.getheader("Location")) == (301, f"https://{HOST}/readyz")
    plain.close()

    # Requests land on both app processes: each logs (JSON, HOTLINE_LOG_FORMAT=json) the
    # "Not Found" of the requests it answered, with the id nginx gave them.
    ids = set()
    for n in range(12):
        status, headers, _ = get(https_port, context, f"/no-such-page/{n}")
        assert status == 404
        ids.add(headers["X-Request-ID"])
    assert len(ids) == 12

    def ids_per_process():
        """every request id is in one app process's log"""
        found = {port: _logged_request_ids(logs[port]) & ids for port in app_ports}
        return found if set().union(*found.values()) == ids else None

    per_process = wait_for(ids_per_process, 10)
    assert all(per_process.values()), per_process

    # Static files come from the collected folder, through nginx.
    status, headers, _ = get(https_port, context, "/static/ninja/swagger-ui.css")
    assert status == 200
    assert "public" in headers.get("Cache-Control", "")

    # /metrics is not offered through the proxy; on an app port (loopback) it sums both
    # processes' requests (prometheus-client's multiprocess folder) and sees both workers.
    assert get(https_port, context, "/metrics")[0] == 404
    scrape = http.client.HTTPConnection("127.0.0.1", app_ports[0], timeout=10)
    scrape.request("GET", "/metrics")
    metrics = scrape.getresponse().read().decode()
    scrape.close()
    unmatched = next(
        line
        for line in metrics.splitlines()
        if line.startswith("hotline_request_seconds_count")
        and 'route="<unmatched>"' in line
        and 'status="4xx"' in line
    )
    assert float(unmatched.rsplit(" ", 1)[1]) >= 12
    assert "hotline_workers 2.0" in metrics

    _check_the_event_stream(machine, context, https_port)


def _logged_request_ids(log: Path) -> set[str]:
    found = set()
    for line in log.read_text(errors="replace").splitlines():
        with contextlib.suppress(ValueError):
            record = json.loads(line)
            if isinstance(record, dict):
                found.add(record.get("request_id", ""))
    return found


def _check_the_event_stream(machine, context, https_port) -> None:
    """An agent's desk stream through nginx: the first lines at once, then a floor event."""
    env = {**machine["base"], **machine["file"]}
    session = subprocess.run(
        [sys.executable, "-m", "hotline.cli", "shell", "-c", SIGN_IN_AN_AGENT],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[-1]  # after the shell's own line about its imports
    connection = https(https_port, context)
    connection.request(
        "GET", "/floor/stream/", headers={"Host": HOST, "Cookie": f"sessionid={session}"}
    )
    answer = connection.getresponse()
    assert answer.status == 200, answer.read()[:500]
    assert answer.getheader("Content-Type", "").startswith("text/event-stream")
    assert answer.readline() == b"retry: 1000\n"  # before the stream ends: not buffered
    subprocess.run(
        [sys.executable, "-m", "hotline.cli", "shell", "-c", WRITE_AN_EVENT],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    started = time.monotonic()
    while (line := answer.readline()) != b"event: floor\n":
        assert line, "the stream ended before the event"
        assert time.monotonic() - started < 10
    connection.close()


SIGN_IN_AN_AGENT = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from hotline.accounts.choices import Role
from hotline.accounts.models import User
agent = User.objects.create_user(username="deploy-agent", password="x" * 24, role=Role.AGENT)
session = SessionStore()
session[SESSION_KEY] = str(agent.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
session.create()
print(session.session_key)
"""
WRITE_AN_EVENT = """
from hotline import clock
from hotline.audit.services import event_append
event_append(actor=None, now=clock.now(), entity="deploy", entity_id=1, action="tested")
"""


def _check_the_websocket_location(context, https_port, echo: UpgradeEcho) -> None:
    raw = socket.create_connection(("127.0.0.1", https_port), timeout=10)
    with context.wrap_socket(raw, server_hostname=HOST) as tls:
        key = base64.b64encode(os.urandom(16))
        tls.sendall(
            b"GET /sip HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            b"Sec-WebSocket-Protocol: sip\r\nSec-WebSocket-Key: " + key + b"\r\n\r\n"
        )
        head = b""
        while b"\r\n\r\n" not in head:
            head += tls.recv(4096)
        assert head.startswith(b"HTTP/1.1 101"), head
        tls.sendall(b"\x81\x05hello")
        assert tls.recv(4096) == b"\x81\x05hello"
    assert b"upgrade: websocket" in echo.headers.lower()
    assert b"sec-websocket-protocol: sip" in echo.headers.lower()
