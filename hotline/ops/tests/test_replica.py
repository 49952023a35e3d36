"""Issue 19: which database a read or a write goes to with a replica configured, and what a
replica that does not answer costs (the system test with a real streaming replica is
hotline/tests/test_replica_reports.py)."""

import logging

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from prometheus_client import REGISTRY

from hotline import replica
from hotline import settings as settings_module
from hotline.calls.models import Call
from hotline.replica import REPLICA, ReplicaRouter, replica_reads
from hotline.settings import database_from_url, replica_database
from hotline.tests.deploy_machine import free_port

router = ReplicaRouter()


def fallbacks() -> float:
    return REGISTRY.get_sample_value("hotline_replica_fallbacks_total") or 0.0


@pytest.fixture
def answering_replica(monkeypatch):
    """A replica alias that is configured and answers (no second server in the SQLite run)."""
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    monkeypatch.setattr(replica, "_replica_answers", lambda: True)


@pytest.fixture
def dead_replica(django_db_blocker):
    """A real "replica" alias on a loopback port nothing listens on."""
    entry = replica_database(f"postgresql://hotline@127.0.0.1:{free_port()}/hotline")
    entry.pop("TEST")
    connections.settings[REPLICA] = connections.configure_settings(
        {DEFAULT_DB_ALIAS: connections.settings[DEFAULT_DB_ALIAS], REPLICA: entry}
    )[REPLICA]
    try:
        with django_db_blocker.unblock():
            yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def test_without_a_replica_every_read_and_write_goes_to_the_primary():
    with replica_reads() as on_replica:
        assert on_replica is False
        assert router.db_for_read(Call) is None
    assert router.db_for_write(Call) == DEFAULT_DB_ALIAS


def test_in_the_scope_reads_go_to_the_replica_and_writes_to_the_primary(answering_replica):
    assert router.db_for_read(Call) is None
    with replica_reads() as on_replica:
        assert on_replica is True
        assert router.db_for_read(Call) == REPLICA
        assert router.db_for_write(Call) == DEFAULT_DB_ALIAS
        with replica_reads() as nested:  # a scope in a scope changes nothing
            assert nested is True
        assert router.db_for_read(Call) == REPLICA
    assert router.db_for_read(Call) is None


@pytest.mark.django_db(transaction=True)
def test_in_the_scope_a_transaction_reads_from_the_primary(answering_replica):
    with replica_reads():
        with transaction.atomic():
            assert router.db_for_read(Call) is None
        assert router.db_for_read(Call) == REPLICA


def test_nothing_is_migrated_on_the_replica():
    assert router.allow_migrate(REPLICA, "calls") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "calls") is True


def test_a_replica_that_does_not_answer_sends_the_reads_to_the_primary(dead_replica, caplog):
    before = fallbacks()
    with (
        caplog.at_level(logging.WARNING, logger="hotline.replica"),
        replica_reads() as on_replica,
    ):
        assert on_replica is False
        assert router.db_for_read(Call) is None
    assert fallbacks() == before + 1
    assert "replica unavailable, reading from the primary" in caplog.text


def test_the_replica_entry_has_no_pool_a_short_connect_timeout_and_no_test_database(
    monkeypatch,
):
    def pooled(url):  # the primary's entry with a connection pool (Django 5.2's psycopg pool)
        return {**database_from_url(url), "OPTIONS": {"pool": {"min_size": 2}, "sslmode": "x"}}

    monkeypatch.setattr(settings_module, "database_from_url", pooled)
    entry = replica_database("postgresql://u:p@replica.example:5433/hotline")
    options = entry["OPTIONS"]
    assert isinstance(options, dict)
    assert entry["HOST"] == "replica.example"
    assert entry["NAME"] == "hotline"
    assert "pool" not in options
    assert options["sslmode"] == "x"
    assert options["connect_timeout"] == 2
    assert entry["TEST"] == {"MIRROR": DEFAULT_DB_ALIAS}


def test_a_replica_url_that_is_not_postgresql_is_refused():
    with pytest.raises(ValueError, match="REPLICA_URL"):
        replica_database("sqlite:///tmp/replica.sqlite3")
