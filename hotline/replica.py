"""Heavy reads from a read replica (issue 19, docs/deploy.md "Reports from a read replica").

With HOTLINE_DATABASE_REPLICA_URL set, settings add a "replica" database and ReplicaRouter.
The router sends nothing there by itself: a view (or command) opts in with `replica_reads()` /
`@reads_from_replica` around the reads it may make from a copy a few seconds old (the monthly,
weekly and daily reports, the directory exports). Inside that scope every read goes to the
replica and every write still goes to the primary, as does every read made inside a transaction
(a service's); outside the scope, everything goes to the primary.

A replica that does not answer is not an outage: the scope checks its connection first and,
when that fails, logs it, counts it (hotline_replica_fallbacks_total) and reads from the
primary instead. A replica that dies in the middle of a report fails that one request."""

import contextlib
import functools
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import DatabaseError
from prometheus_client import Counter

REPLICA = "replica"
logger = logging.getLogger(__name__)
FALLBACKS = Counter(
    "hotline_replica_fallbacks",
    "Report reads sent to the primary because the replica did not answer.",
)
_on_replica: ContextVar[bool] = ContextVar("hotline_reads_on_replica", default=False)
P = ParamSpec("P")
R = TypeVar("R")


class ReplicaRouter:
    """Reads inside a `replica_reads()` scope go to the replica; everything else, every write
    and every migration go to the primary (the replica is a physical copy: migrating the
    primary migrates it)."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        # A service called in the scope reads what it is about to change from the primary:
        # inside its transaction, a copy a few seconds old would be a lost update.
        if _on_replica.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return None

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same rows on both: a row read from one may relate to the other's

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA


def replica_configured() -> bool:
    return REPLICA in connections.settings


def _replica_answers() -> bool:
    replica = connections[REPLICA]
    try:
        with replica.cursor() as cursor:  # Django's health check, then connects if needed
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        replica.close()  # the next request tries afresh
        FALLBACKS.inc()
        logger.warning("replica unavailable, reading from the primary: %s", error)
        return False
    return True


@contextlib.contextmanager
def replica_reads() -> Iterator[bool]:
    """Reads in this scope come from the replica when there is one that answers; says which."""
    if _on_replica.get() or not replica_configured() or not _replica_answers():
        yield _on_replica.get()
        return
    token = _on_replica.set(True)
    try:
        yield True
    finally:
        _on_replica.reset(token)


def reads_from_replica(view: Callable[P, R]) -> Callable[P, R]:
    """A view whose reads may come from the replica (see the module's doc for which may)."""

    @functools.wraps(view)
    def scoped(*args: P.args, **kwargs: P.kwargs) -> R:
        with replica_reads():
            return view(*args, **kwargs)

    return scoped
