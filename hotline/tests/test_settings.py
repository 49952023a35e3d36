from pathlib import Path

import pytest

from hotline.settings import database_from_url


def test_postgres_url_becomes_a_django_database():
    db = database_from_url("postgresql://hot:p%40ss@127.0.0.1:5433/hotline")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "hot",
        "p@ss",
        "127.0.0.1",
        "5433",
        "hotline",
    )


def test_sqlite_url_uses_wal_and_immediate_transactions(tmp_path):
    db = database_from_url(f"sqlite://{tmp_path}/x.sqlite3")
    assert db["NAME"] == Path(f"{tmp_path}/x.sqlite3")
    options = db["OPTIONS"]
    assert isinstance(options, dict)
    assert "journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"


def test_unknown_database_scheme_is_refused():
    with pytest.raises(ValueError, match="unsupported scheme 'mysql'"):
        database_from_url("mysql://x@y/z")
