"""Issue 19: the deployment files say what the code reads: every environment variable of
Hotline is in the example environment file, and the units and the nginx site read as systemd
and nginx read them (the whole system runs from them in test_deploy_system.py, on PostgreSQL)."""

import re
import subprocess

import pytest

from hotline.tests.deploy_files import (
    DEPLOY,
    INSTALLED_HOTLINE,
    PROJECT,
    nginx_main_config,
    nginx_site_here,
    read_unit,
)
from hotline.tests.test_deploy_system import NGINX, self_signed

VARIABLE = re.compile(r'"((?:HOTLINE|PROMETHEUS)_[A-Z0-9_]+)"')


def variables_read() -> set[str]:
    found = set()
    for source in (PROJECT / "hotline").rglob("*.py"):
        if "tests" not in source.parts:
            found |= set(VARIABLE.findall(source.read_text(encoding="utf-8")))
    return found


def test_the_environment_file_lists_every_variable_hotline_reads():
    example = (DEPLOY / "hotline.env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert "HOTLINE_DATABASE_URL" in variables_read()  # the search finds them
    missing = variables_read() - listed
    assert not missing, f"not in deploy/hotline.env.example: {sorted(missing)}"


def test_the_serve_unit_runs_one_process_per_port_without_migrating():
    unit = read_unit(DEPLOY / "systemd" / "hotline-serve@.service", "8003")
    assert unit.exec_start == [
        INSTALLED_HOTLINE,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "8003",
        "--no-migrate",
    ]
    assert unit.environment == {"PROMETHEUS_MULTIPROC_DIR": "/run/hotline/metrics"}


def test_the_worker_unit_runs_a_worker():
    unit = read_unit(DEPLOY / "systemd" / "hotline-worker@.service", "3")
    assert unit.exec_start == [INSTALLED_HOTLINE, "worker"]
    assert unit.environment_files == ["/etc/hotline/hotline.env"]


@pytest.mark.skipif(not NGINX, reason="needs nginx (make system-packages)")
def test_nginx_accepts_the_site(tmp_path):
    certificate, key = self_signed(tmp_path)
    site = tmp_path / "hotline.conf"
    site.write_text(
        nginx_site_here(
            (DEPLOY / "nginx" / "hotline.conf").read_text(),
            app_ports=[18001, 18002, 18003],
            https_port=18443,
            http_port=18080,
            sip_ws_port=18088,
            certificate=certificate,
            key=key,
            static_root=tmp_path,
        )
    )
    assert site.read_text().count("server 127.0.0.1:1800") == 3
    main = tmp_path / "nginx.conf"
    main.write_text(nginx_main_config(tmp_path, site, as_root=False))
    done = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
