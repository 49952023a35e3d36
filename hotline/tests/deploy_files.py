"""Reading the deployment files of deploy/ the way systemd and Debian's nginx would, to start
them on this machine in a test (hotline/tests/test_deploy_system.py): no systemd here, no root.

What is changed is said in one place: the install paths (/opt/hotline, /var/lib/hotline,
/run/hotline, /etc/hotline) become the test's folders, and the ports become free ones."""

import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
DEPLOY = PROJECT / "deploy"
INSTALLED_HOTLINE = "/opt/hotline/venv/bin/hotline"
ENVIRONMENT_FILE = "/etc/hotline/hotline.env"
LETSENCRYPT = "/etc/letsencrypt/live/hotline.example.com"


@dataclass
class Unit:
    """The [Service] part of a unit file that starts a process."""

    exec_start: list[str]
    environment: dict[str, str] = field(default_factory=dict)
    environment_files: list[str] = field(default_factory=list)
    working_directory: str = ""


def read_unit(path: Path, instance: str) -> Unit:
    """The unit's service with the instance name put in for %i (as systemd does)."""
    section, unit = "", Unit(exec_start=[])
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
            continue
        if section != "[Service]":
            continue
        key, _, value = line.partition("=")
        value = value.replace("%i", instance)
        if key == "ExecStart":
            unit.exec_start = shlex.split(value)
        elif key == "Environment":
            for assignment in shlex.split(value):
                name, _, setting = assignment.partition("=")
                unit.environment[name] = setting
        elif key == "EnvironmentFile":
            unit.environment_files.append(value)
        elif key == "WorkingDirectory":
            unit.working_directory = value
    return unit


def read_environment_file(path: Path) -> dict[str, str]:
    """NAME=value lines, as systemd's EnvironmentFile= reads them (comments skipped)."""
    found = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            found[name.strip()] = value.strip()
    return found


def command_here(unit: Unit) -> list[str]:
    """ExecStart with this checkout's Python in place of the installed `hotline` script."""
    program, *arguments = unit.exec_start
    assert program == INSTALLED_HOTLINE, program
    return [sys.executable, "-m", "hotline.cli", *arguments]


def nginx_site_here(
    site: str,
    *,
    app_ports: list[int],
    https_port: int,
    http_port: int,
    sip_ws_port: int,
    certificate: Path,
    key: Path,
    static_root: Path,
) -> str:
    """The site file with this machine's ports, certificate and static folder."""
    lines = []
    for line in site.splitlines():
        stripped = line.strip()
        if re.match(r"server 127\.0\.0\.1:800\d ", stripped):  # the app upstream's servers
            if stripped.startswith("server 127.0.0.1:8001 "):
                options = stripped.split(" ", 2)[2]
                lines += [f"    server 127.0.0.1:{port} {options}" for port in app_ports]
            continue
        if stripped.startswith("listen [::]"):
            continue  # the test machine may have no IPv6
        line = line.replace("listen 443 ", f"listen 127.0.0.1:{https_port} ")
        line = line.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
        line = line.replace("server 127.0.0.1:8088;", f"server 127.0.0.1:{sip_ws_port};")
        line = line.replace(
            "/etc/letsencrypt/live/hotline.example.com/fullchain.pem", str(certificate)
        )
        line = line.replace("/etc/letsencrypt/live/hotline.example.com/privkey.pem", str(key))
        line = line.replace("/var/lib/hotline/static/", f"{static_root}/")
        lines.append(line)
    return "\n".join(lines) + "\n"


def nginx_main_config(folder: Path, site: Path, *, as_root: bool) -> str:
    """What Debian's /etc/nginx/nginx.conf gives a site, with every path in `folder`."""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{"user root;" if as_root else ""}
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
daemon off;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {folder / "access.log"};
{temp}
    include {site};
}}
"""
