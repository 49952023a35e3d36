"""Issue 15: a production configuration passes `check --deploy`; no server starts on the
development key; every answer carries the Content-Security-Policy; Swagger UI is local and
for signed-in users only."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parents[2]
# The production variables of the README's Configuration table.
PRODUCTION = {
    "HOTLINE_SECRET_KEY": "k3VqUu2nZ9-8xq4tJd1mB7rWc0eLs5HfYgP6aTzNoKiE_vRyXw",
    "HOTLINE_HTTPS": "1",
    "HOTLINE_ALLOWED_HOSTS": "hotline.example.com",
    "HOTLINE_CSRF_TRUSTED_ORIGINS": "https://hotline.example.com",
    "HOTLINE_PUBLIC_URL": "https://hotline.example.com",
}


def run_hotline(
    tmp_path: Path, variables: dict[str, str], *argv: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(PYTHONPATH=str(PROJECT), HOTLINE_VAR_DIR=str(tmp_path), **variables)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the tests' own (conftest.py), warned about
    return subprocess.run(
        [sys.executable, *argv], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )


def test_production_variables_pass_check_deploy(tmp_path):
    done = run_hotline(
        tmp_path, PRODUCTION, "-m", "hotline.cli", "check", "--deploy", "--fail-level", "WARNING"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_development_defaults_are_what_check_deploy_warns_about(tmp_path):
    done = run_hotline(tmp_path, {}, "-m", "hotline.cli", "check", "--deploy")
    for warning in ("W004", "W008", "W009", "W012", "W016"):
        assert f"security.{warning}" in done.stderr + done.stdout


@pytest.mark.parametrize("entry", ["asgi", "serve"])
def test_no_server_starts_on_the_development_key_without_debug(tmp_path, entry):
    argv = ["-c", "import hotline.asgi"] if entry == "asgi" else ["-m", "hotline.cli", "serve"]
    done = run_hotline(tmp_path, {"HOTLINE_DEBUG": "0"}, *argv)
    assert done.returncode == 1
    assert "HOTLINE_SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr  # a sentence for the operator, not a crash
    assert not (tmp_path / "hotline.sqlite3").exists()  # nothing was migrated


@pytest.mark.parametrize("variables", [{"HOTLINE_DEBUG": "1"}, {"HOTLINE_DEMO": "1"}])
def test_development_key_is_accepted_in_debug_and_in_the_demo(tmp_path, variables):
    done = run_hotline(tmp_path, variables, "-c", "import hotline.asgi")
    assert done.returncode == 0, done.stderr


def test_a_real_key_starts_without_debug(tmp_path):
    key = {"HOTLINE_SECRET_KEY": PRODUCTION["HOTLINE_SECRET_KEY"]}
    done = run_hotline(tmp_path, key, "-c", "import hotline.asgi")
    assert done.returncode == 0, done.stderr


def test_https_switches_redirect_hsts_secure_cookies_and_the_proxy_header(tmp_path):
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'hotline.settings'; "
        "django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    done = run_hotline(tmp_path, PRODUCTION, "-c", script)
    assert done.stdout.strip().split(maxsplit=4) == [
        "True",
        "31536000",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO', 'https')",
    ]
    done = run_hotline(tmp_path, {}, "-c", script)
    assert done.stdout.strip().split(maxsplit=4) == ["False", "0", "False", "False", "None"]


@pytest.mark.django_db
def test_every_page_carries_the_content_security_policy(client, centre):
    client.force_login(centre["agent1"])
    for path in ("/", "/floor/desk/", "/no-such-page/", "/api/v1/docs"):
        policy = client.get(path).headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_json_and_pdf_answers_carry_no_page_policy(client, centre):
    # no script runs there; a PDF viewer is an embedded object, which object-src 'none' blocks
    client.force_login(centre["manager"])
    pdf = client.get("/reports/monthly/", {"month": "2026-10", "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    assert "Content-Security-Policy" not in pdf.headers
    assert "Content-Security-Policy" not in client.get("/api/v1/openapi.json").headers


@pytest.mark.django_db
def test_api_docs_are_for_signed_in_users_only(client, centre):
    answer = client.get("/api/v1/docs")
    assert answer.status_code == 302
    assert answer.url.startswith("/accounts/login/?next=/api/v1/docs")
    client.force_login(centre["agent1"])
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "https://" not in page


@pytest.mark.django_db
def test_api_docs_refuse_a_bearer_token_alone(client, centre, token_for):
    # the page is a browser's: a token does not sign a browser in
    token = token_for(centre["agent1"])
    answer = client.get("/api/v1/docs", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 302


@pytest.mark.django_db
def test_openapi_stays_public(client, centre):
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Hotline API"


def test_serve_runs_several_server_processes_on_one_port(tmp_path):
    """`hotline serve --workers 2`: two processes answer on the port (uvicorn's workers), and
    stopping the server stops them."""
    import socket
    import urllib.request

    from hotline.tests.processes import alive, descendants, wait_for

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(PYTHONPATH=str(PROJECT), HOTLINE_VAR_DIR=str(tmp_path), HOTLINE_DEBUG="1")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    command = [sys.executable, "-m", "hotline.cli", "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/accounts/login/"
        answer = wait_for(lambda: _get(urllib.request, url), 60)
        assert answer == 200
        pythons = wait_for(
            lambda: [p for p in descendants(server.pid) if _is_python(p)] or None, 10
        )
        assert len(pythons) >= 2, pythons  # the workers (and uvicorn's own helper)
    finally:
        server.terminate()
        server.wait(30)
    # The workers finish their shutdown on their own, once their master has stopped.
    wait_for(lambda: all(not alive(pid) for pid in pythons), 15)


def test_serve_refuses_a_number_of_workers_out_of_range(tmp_path):
    done = run_hotline(
        tmp_path, {"HOTLINE_DEBUG": "1"}, "-m", "hotline.cli", "serve", "--workers", "0"
    )
    assert done.returncode == 2
    assert "--workers" in done.stderr
    assert "Traceback" not in done.stderr


def _get(request: Any, url: str) -> int | None:
    try:
        with request.urlopen(url, timeout=5) as answer:
            return int(answer.status)
    except OSError:
        return None


def _is_python(pid: int) -> bool:
    try:
        return "python" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
