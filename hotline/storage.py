"""When the disk under the database is full or read-only.

The database then refuses every write. Such an error is not a bug of ours: the API answers it
with a 503 that says what is wrong (not "something went wrong"), pages likewise, reads that
would only write a by-the-way (a token's last use) go on without it, and `hotline serve`
refuses to start on a var/ directory it cannot write to, saying so.
"""

import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _

# SQLite says these in its message; PostgreSQL gives SQLSTATEs: 53100 disk_full,
# 25006 read_only_sql_transaction (a standby, or default_transaction_read_only).
SQLITE_MESSAGES = ("database or disk is full", "attempt to write a readonly database")
POSTGRES_STATES = ("53100", "25006")
RETRY_AFTER_SECONDS = 60


def storage_refuses_writes(error: BaseException) -> bool:
    """The database could not write because of its storage, not because of the request."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, sqlite3.OperationalError | DatabaseError):
            message = str(seen).lower()
            if any(text in message for text in SQLITE_MESSAGES):
                return True
        if getattr(seen, "sqlstate", None) in POSTGRES_STATES:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def storage_full_detail() -> str:
    return _(
        "Hotline cannot save anything right now: the disk of its database is full or "
        "read-only. Nothing was changed. Please tell your administrator and try again later."
    )


def storage_full_response(request: HttpRequest) -> HttpResponse:
    """503, in the API's JSON shape under /api/, as a short page elsewhere."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": storage_full_detail()}, status=503)
    else:
        response = HttpResponse(format_html("<p>{}</p>", storage_full_detail()), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class StorageFullMiddleware:
    """Pages (and anything outside the API's own handlers) answer a full disk with a 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, error: Exception) -> HttpResponse | None:
        return storage_full_response(request) if storage_refuses_writes(error) else None


@contextmanager
def writes_optional() -> Iterator[None]:
    """For a write that only records something by the way (a token's last use): if the
    storage refuses it, the request goes on without it. A savepoint keeps an outer
    transaction usable after the failed statement (PostgreSQL)."""
    try:
        with transaction.atomic():
            yield
    except DatabaseError as error:
        if not storage_refuses_writes(error):
            raise


def var_dir_problem() -> str | None:
    """Why Hotline cannot work in its var/ directory (and on its SQLite file), or None."""
    var = Path(settings.VAR_DIR)
    try:
        var.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=var, prefix=".write-check-"):
            pass
    except OSError as error:
        return (
            f"Hotline cannot write to its var directory {var} ({error.strerror or error}). "
            "It keeps its database and files there: give the user running Hotline write "
            "access to it, free some space, or set HOTLINE_VAR_DIR to a writable directory."
        )
    database = settings.DATABASES["default"]
    if str(database["ENGINE"]).endswith("sqlite3"):
        path = Path(str(database["NAME"]))
        # Ask the system, never open the file: closing any descriptor of an SQLite database
        # drops every POSIX lock this process holds on it, and with the worker writing beside
        # it (the demo serves from the process that seeded) the database is soon "malformed".
        if path.exists() and not os.access(path, os.W_OK):
            return (
                f"Hotline cannot write to its database {path}: "
                "give the user running Hotline write access to it."
            )
    return None
