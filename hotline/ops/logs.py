"""Every log record carries the id of the request it was written in (or "-" outside one), and
may be written as one JSON object a line (HOTLINE_LOG_FORMAT=json) for a log shipper.

The id lives in a context variable set by the request middleware (hotline/ops/middleware.py):
each request, thread or asyncio task sees its own. A filter on the handler copies it onto the
record, so records of third-party loggers (Django's, uvicorn's) carry it too."""

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

REQUEST_ID: ContextVar[str] = ContextVar("hotline_request_id", default="-")
REQUEST_ID_HEADER = "X-Request-ID"
# An id sent by the proxy or the client is kept only if it is short and plain: it goes into
# every log line and back into a response header, so nothing that could forge a line or a header.
_SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id_from(incoming: str | None) -> str:
    """The incoming X-Request-ID when it is safe, else a new one."""
    if incoming and _SAFE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def request_id_clear(**kwargs: Any) -> None:
    REQUEST_ID.set("-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


# What a LogRecord carries anyway: everything else passed in `extra=` goes into the JSON too.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id, the
    record's extras, and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """settings.LOGGING for HOTLINE_LOG_FORMAT ("text", the default, or "json")."""
    if log_format not in ("text", "json"):
        raise ValueError(f"HOTLINE_LOG_FORMAT must be text or json, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "hotline.ops.logs.RequestIdFilter"}},
        "formatters": {
            "text": {"format": TEXT_FORMAT},
            "json": {"()": "hotline.ops.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id"],
                "formatter": log_format,
            }
        },
        "root": {"handlers": ["console"], "level": level},
    }
