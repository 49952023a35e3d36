"""Schemathesis on the OpenAPI of the live app: every API operation gets generated input, as the
roles that may use it and without a token, in-process (no server) on the test database.

What must hold for any input: no server error (a 5xx is a bug), answers that conform to the
schema (status, content type, body), errors that are JSON with a `detail` (409s name their rule),
input the schema calls valid is not refused by the input validation, and input it calls invalid
is refused. Examples per operation are few and derandomized: CI runs the same requests each time.
"""

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, TypeVar

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import checks as st_checks

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.accounts.permissions import API_ROLES
from hotline.bounds import FIRST_DAY, FIRST_MOMENT, LAST_DAY, LAST_MOMENT

SCHEMA_PATH = "/api/v1/openapi.json"
SEED = 20261123

# The project is ASGI-only (WSGI_APPLICATION = None); Django's WSGI handler serves the same URLs
# in-process, and the API has no streaming operation (the SSE streams are pages, not /api/v1/),
# so nothing needs to be excluded.
APP = get_wsgi_application()


def _load(phases: dict[str, Any]) -> Any:
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            # Credentials are ours to choose (a role's token, or none), never generated.
            "generation": {"with-security-parameters": False, "database": "none"},
            "phases": {"stateful": {"enabled": False}} | phases,
        }
    )
    return schemathesis.openapi.from_wsgi(SCHEMA_PATH, APP, config=config)


# Dates and times in the range the API takes (hotline.bounds: its `formatMinimum` and
# `formatMaximum`, which JSON Schema generators do not read), at any offset from UTC.
_offsets = st.integers(-12 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
schemathesis.openapi.format("date", st.dates(FIRST_DAY, LAST_DAY).map(lambda day: day.isoformat()))
schemathesis.openapi.format(
    "date-time",
    st.datetimes(
        FIRST_MOMENT.replace(tzinfo=None) + timedelta(days=1),
        LAST_MOMENT.replace(tzinfo=None) - timedelta(days=1),
        timezones=_offsets,
    ).map(lambda moment: moment.isoformat()),
)

# Boundary and invalid values of every parameter and body field, deterministically (the
# coverage phase: missing fields, wrong types, extreme numbers and strings, a method the path
# does not have).
bad_input = _load(
    {
        "examples": {"enabled": False},
        "coverage": {"enabled": True, "unexpected-methods": ["delete"]},
        "fuzzing": {"enabled": False},
    }
)
# Random valid input only.
valid_input = _load(
    {
        "examples": {"enabled": False},
        "coverage": {"enabled": False},
        "fuzzing": {"enabled": True, "generation": {"mode": "positive"}},
    }
)

# One user per role, from the demo centre.
USERS = {
    Role.AGENT: "agent1",
    Role.DISPATCHER: "dispatcher",
    Role.PROVIDER: "provider1",
    Role.CUSTOMER: "customer1",
    Role.TEAM_LEAD: "lead",
    Role.MANAGER: "manager",
    Role.ADMIN: "admin",
    Role.PBX: "pbx",
}
# Every operation is called with valid input by each of these that may use it, and without a
# token; an operation none of them may use by the first of the others that may.
SAMPLE_ROLES = (Role.AGENT, Role.DISPATCHER, Role.PROVIDER, Role.CUSTOMER)
NO_TOKEN = None


def roles_that_may_use(case: Any) -> list[Role]:
    allowed = API_ROLES[case.operation.definition.raw["operationId"]]
    return [role for role in USERS if role in allowed]


# Half of the generated ids are swapped for ones that exist, so that requests get past the
# lookup and into the services (a random integer is almost never a ticket).
def _values(name: str) -> list[Any]:
    from hotline.calls.models import Call, Offer, Transfer
    from hotline.core.rulebook import SETTINGS_BY_KEY
    from hotline.directory.models import Customer
    from hotline.dispatch.models import WorkOrder
    from hotline.followup.models import FollowUp
    from hotline.notices.models import Notice
    from hotline.tickets.models import Chase, Ticket
    from hotline.workforce.models import LeaveRequest, Roster

    models: dict[str, Any] = {
        "ticket_id": Ticket,
        "order_id": WorkOrder,
        "chase_id": Chase,
        "customer_id": Customer,
        "notice_id": Notice,
        "followup_id": FollowUp,
        "offer_id": Offer,
        "call_id": Call,
        "transfer_id": Transfer,
        "leave_id": LeaveRequest,
        "roster_id": Roster,
    }
    if name in models:
        return list(models[name].objects.order_by("pk").values_list("pk", flat=True))
    if name == "external_id":
        return list(Call.objects.order_by("pk").values_list("external_id", flat=True))
    if name == "username":
        return list(User.objects.order_by("pk").values_list("username", flat=True))
    if name == "key":
        return sorted(SETTINGS_BY_KEY)
    return []


def _with_real_ids(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    real = {name: _values(name) for name in path_parameters or {}}
    # A value of another type is invalid input on purpose (negative cases): it stays.
    real = {
        name: values
        for name, values in real.items()
        if values and type(path_parameters[name]) is type(values[0])  # type: ignore[index]
    }
    if not real:
        return st.just(path_parameters)
    swapped = st.fixed_dictionaries({name: st.sampled_from(v) for name, v in real.items()})
    return st.one_of(
        st.just(path_parameters), swapped.map(lambda s: {**(path_parameters or {}), **s})
    )


def _integral(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, dict):
        return {key: _integral(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_integral(item) for item in value]
    return value


def _integers_as_json_integers(context: Any, body: Any) -> Any:
    """JSON Schema's `integer` also matches 15.0 (a number without a fraction), and no keyword
    tells them apart; the API takes an id or a count as a JSON integer only (strict types:
    1.0 for an id is a 422). A generated 15.0 is sent as 15."""
    return _integral(body)


for _schema in (bad_input, valid_input):
    _schema.hook("flatmap_path_parameters")(_with_real_ids)
valid_input.hook("map_body")(_integers_as_json_integers)


NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 10:00 in Sofia, as the `now` fixture


@pytest.fixture(scope="module")
def _centre(django_db_setup, django_db_blocker) -> Iterator[dict[Role, str]]:
    """The demo centre with cases in every state, answered calls (some reviewed) and a call
    ringing at agent1's desk, made once for the module (it takes longer than the requests of an
    operation) and rolled back after."""
    from hotline.accounts.services import api_token_create
    from hotline.calls.models import Queue
    from hotline.calls.services.agents import agent_log_in, agent_make_ready
    from hotline.calls.services.calls import call_arrive
    from hotline.demo import seed_demo_cases, seed_demo_centre, seed_demo_reviews

    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo_centre()
        seed_demo_cases(NOW)
        seed_demo_reviews(NOW)
        users = {user.username: user for user in User.objects.all()}
        agent_log_in(actor=users["agent1"], now=NOW)
        agent_make_ready(actor=users["agent1"], now=NOW)
        queue = Queue.objects.get(code="repairs")
        call_arrive(now=NOW, queue=queue, caller_number="+359 88 1000000", external_id="pbx-1")
        yield {
            role: api_token_create(actor=None, now=NOW, user=users[username])[1]
            for role, username in USERS.items()
        }
        transaction.set_rollback(True)


@pytest.fixture
def tokens(_centre, db, monkeypatch) -> dict[Role, str]:
    """Each test changes the centre in a transaction of its own (rolled back), at a fixed time."""
    monkeypatch.setattr("hotline.clock.now", lambda: NOW)
    made: dict[Role, str] = _centre
    return made


@contextmanager
def connection_kept() -> Iterator[None]:
    """As Django's test client does around a request: the end of a request closes "old"
    connections, and on PostgreSQL that would be the test's, with its transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call_as(case: Any, tokens: dict[Role, str], role: Role | None, checks: Iterable[Any]) -> None:
    headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
    with connection_kept():
        response = case.call(headers=headers)
    case.validate_response(response, checks=list(checks), headers=headers)


# --- checks of our own, beside schemathesis' -------------------------------------------------


def errors_are_json(ctx: Any, response: Any, case: Any) -> None:
    """README: errors are JSON, `{"detail": ...}`; a refusal by a rule names it, a call's state
    conflict (no rule at stake) says the state instead."""
    if response.status_code < 400:
        return
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.startswith("application/json"), (
        f"{response.status_code} answered with {content_type!r}, not JSON"
    )
    body = json.loads(response.content)
    assert isinstance(body, dict), body
    assert "detail" in body, body
    if response.status_code == 409:
        assert body.get("rule") or body.get("state"), body


def valid_input_passes_validation(ctx: Any, response: Any, case: Any) -> None:
    """Input the schema documents as valid must not fail the input validation itself: that 422
    lists the failing fields (`detail` is a list), unlike a refused value (`detail` is a
    sentence). Schemathesis' own positive_data_acceptance counts every 422, and a value can be
    well-formed yet refused (a window in the past), so it is too strict here."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if response.status_code == 422:
        detail = json.loads(response.content).get("detail")
        assert not isinstance(detail, list), f"schema-valid input failed validation: {detail}"


SCHEMA_CHECKS = (
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
    errors_are_json,
    valid_input_passes_validation,
)

# The centre is shared by the examples of one operation (it changes as a real one would), and
# the first request of a test is slow (Django warms up).
FEW = settings(
    max_examples=6,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@bad_input.parametrize()
@FEW
def test_every_api_operation_answers_bad_input_without_a_server_error(case, tokens):
    role = roles_that_may_use(case)[0]  # one that gets past the permission table
    checks: tuple[Callable[..., Any], ...] = (
        *SCHEMA_CHECKS,
        st_checks.negative_data_rejection,
        st_checks.unsupported_method,
    )
    call_as(case, tokens, role, checks)


@valid_input.parametrize()
@FEW
def test_every_api_operation_answers_every_role_as_its_schema_says(case, tokens):
    may = roles_that_may_use(case)
    roles = [role for role in SAMPLE_ROLES if role in may] or may[:1]
    for role in (*roles, NO_TOKEN):
        call_as(case, tokens, role, SCHEMA_CHECKS)


T = TypeVar("T")


def _subclasses(cls: type[T]) -> Iterable[type[T]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_openapi_gives_each_schema_name_one_meaning():
    """The OpenAPI names a schema by its class name only: two apps' `LeaveIn` became one
    component, and /floor/leave was documented with the body of /workforce/leave."""
    from ninja import Schema

    from hotline.api import api

    api.get_openapi_schema()  # every router is imported
    meanings: dict[str, set[str]] = {}
    for model in _subclasses(Schema):
        if model.__module__.startswith("hotline."):
            schema = json.dumps(model.model_json_schema(), sort_keys=True)
            meanings.setdefault(model.__name__, set()).add(schema)
    assert not sorted(name for name, seen in meanings.items() if len(seen) > 1)


def test_openapi_documents_the_error_answers(client):
    """Every operation documents the JSON errors it may answer, with their one shape."""
    schema = client.get(SCHEMA_PATH).json()
    assert schema["components"]["schemas"]["ApiError"]["required"] == ["detail"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "404", "409", "422"} <= codes, (method, path)
            assert ("400" in codes) == ("requestBody" in operation), (method, path)
            assert ("413" in codes) == ("requestBody" in operation), (method, path)
