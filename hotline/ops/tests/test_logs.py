"""Issue 19: every log record of a request carries its id (X-Request-ID, kept when it is safe,
else made), the answer echoes it, and HOTLINE_LOG_FORMAT=json writes one JSON object a line."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hotline.ops.logs import JsonFormatter, RequestIdFilter

PROJECT = Path(__file__).resolve().parents[3]


@pytest.fixture
def json_log():
    """A JSON handler on the root logger, as HOTLINE_LOG_FORMAT=json sets it up."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logging.getLogger().removeHandler(handler)


@pytest.mark.django_db
def test_an_incoming_request_id_is_echoed_and_logged(client, json_log):
    answer = client.get("/no-such-page/", HTTP_X_REQUEST_ID="lb-4711.a:b_c")
    assert answer.status_code == 404
    assert answer["X-Request-ID"] == "lb-4711.a:b_c"
    (record,) = [r for r in json_log() if r["logger"] == "django.request"]
    assert record["request_id"] == "lb-4711.a:b_c"
    assert record["level"] == "WARNING"
    assert "/no-such-page/" in record["message"]
    assert record["time"].endswith("+00:00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "incoming", [None, "", "x" * 65, "evil\r\nSet-Cookie: a=b", 'quote"', "space d", "ünï"]
)
def test_an_unsafe_or_missing_request_id_is_replaced(client, json_log, incoming):
    extra = {} if incoming is None else {"HTTP_X_REQUEST_ID": incoming}
    answer = client.get("/no-such-page/", **extra)
    made = answer["X-Request-ID"]
    assert made != incoming
    assert len(made) == 32
    assert made.isalnum()
    assert [r["request_id"] for r in json_log() if r["logger"] == "django.request"] == [made]


@pytest.mark.django_db
def test_each_request_gets_its_own_id_and_none_is_left_after(client, json_log):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second
    logging.getLogger("hotline.test").warning("between requests")
    assert json_log()[-1]["request_id"] == "-"


def test_extras_and_tracebacks_go_into_the_json():
    formatter, record_filter = JsonFormatter(), RequestIdFilter()
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x",
            logging.ERROR,
            __file__,
            1,
            "failed %s",
            ("once",),
            sys.exc_info(),
            extra={"call_id": 7},
        )
    record_filter.filter(record)
    entry = json.loads(formatter.format(record))
    assert entry["message"] == "failed once"
    assert entry["call_id"] == 7
    assert "ValueError: boom" in entry["exception"]


@pytest.mark.parametrize(("log_format", "formatter"), [("json", "json"), ("", "text")])
def test_the_log_format_is_chosen_by_the_environment(tmp_path, log_format, formatter):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(PYTHONPATH=str(PROJECT), HOTLINE_VAR_DIR=str(tmp_path))
    if log_format:
        env["HOTLINE_LOG_FORMAT"] = log_format
    env.pop("DJANGO_SETTINGS_MODULE", None)
    script = (
        "import django, os, logging; os.environ['DJANGO_SETTINGS_MODULE'] = 'hotline.settings'; "
        "django.setup(); logging.getLogger('hotline.x').warning('hello')"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    line = done.stderr.strip().splitlines()[-1]
    if formatter == "json":
        assert json.loads(line)["message"] == "hello"
    else:
        assert line.endswith("WARNING hotline.x [-] hello")


def test_an_unknown_log_format_is_refused(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
    env.update(PYTHONPATH=str(PROJECT), HOTLINE_VAR_DIR=str(tmp_path), HOTLINE_LOG_FORMAT="xml")
    done = subprocess.run(
        [sys.executable, "-c", "import hotline.settings"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "HOTLINE_LOG_FORMAT must be text or json" in done.stderr
