"""The call floor's plain SQL, in one place: the few statements of the hot path that Django took
longer to compile than the database took to run (the floor's p99 latency goal), and the two
dialect adapters that make their answers the same on SQLite and PostgreSQL. Every statement is
SQL both speak; every test of the floor runs on both.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection

# The two reads of every routing decision, in SQL: Django took longer to compile them (as a
# UNION and a join over the agents' queues) than PostgreSQL took to run them, 2.4 ms of an
# 11 ms decision. Plain SQL that SQLite and PostgreSQL both speak.
WAITING_WORK_SQL = """
    SELECT c.id, %(call)s, c.queue_id, c.priority, c.arrived_at, q.offer_ring_time
      FROM calls_call c JOIN calls_queue q ON q.id = c.queue_id
     WHERE q.team_id = %(team)s AND c.state = %(waiting)s
    UNION ALL
    SELECT b.id, %(callback)s, b.queue_id, b.priority, b.window_start, q.offer_ring_time
      FROM calls_callback b JOIN calls_queue q ON q.id = b.queue_id
     WHERE q.team_id = %(team)s AND b.state = %(scheduled)s AND b.window_start <= %(now)s
       AND b.window_end > %(now)s
"""
READY_AGENTS_SQL = """
    SELECT s.agent_id, s.ready_since, served.queue_id
      FROM calls_agentsession s
      JOIN calls_agentsession_queues served ON served.agentsession_id = s.id
     WHERE s.team_id = %(team)s AND s.state = %(ready)s AND served.queue_id IN ({queues})
"""


# One query on every arriving call: the customers with the caller's number (two are enough to
# know it is not one) with their own contract's priority, then the default contract's.
CALLER_SQL = """
    SELECT matches.id, (SELECT s.priority FROM tickets_slacontract s
                         WHERE s.customer_id = matches.id ORDER BY s."order" LIMIT 1)
      FROM (SELECT c.id FROM tickets_customer c
             WHERE c.phone_key IN (%(key)s, %(other_key)s) LIMIT 2) matches
    UNION ALL
    SELECT NULL, (SELECT s.priority FROM tickets_slacontract s
                   WHERE s.customer_id IS NULL ORDER BY s."order" LIMIT 1)
"""


# The end of an agent's wrap-ups: the calls it ended, from the same statement.
END_WRAP_UPS_SQL = (
    "UPDATE calls_call SET state = %(ended)s"
    " WHERE agent_id = %(agent)s AND state = %(wrap_up)s RETURNING id"
)
# A transfer still ringing when its call ends: withdrawn, its colleague named, in one statement.
WITHDRAW_TRANSFERS_SQL = (
    "UPDATE calls_transfer SET outcome = %(withdrawn)s, decided_at = %(now)s"
    " WHERE call_id = %(call)s AND outcome = %(pending)s RETURNING to_agent_id"
)


def lock_team_sql(team_id_sql: str) -> str:
    """Every floor decision takes this lock first: 0.4 ms less than the ORM's statement."""
    sql = f"SELECT id FROM accounts_team WHERE id = ({team_id_sql})"
    if connection.features.has_select_for_update:  # SQLite has no row locks (nor the syntax)
        sql += " FOR UPDATE"
    return sql


def sql_rows(sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


# --- the two dialects' answers, made one -----------------------------------------------------


def db_time(moment: datetime) -> Any:
    """A time as the database takes it in plain SQL (SQLite: UTC text; PostgreSQL: aware)."""
    return connection.ops.adapt_datetimefield_value(moment)


def aware(moment: datetime) -> datetime:
    """SQLite hands plain SQL its times naive (they are stored in UTC); PostgreSQL, aware."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def duration(value: timedelta | int) -> timedelta:
    """SQLite stores a duration as microseconds; PostgreSQL as an interval."""
    return value if isinstance(value, timedelta) else timedelta(microseconds=value)
