"""One permission table for every page and API operation, walked as every role."""

import json
from uuid import UUID

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from hotline.accounts.choices import Role
from hotline.accounts.permissions import API_ROLES, PUBLIC_VIEWS, VIEW_ROLES, view_key
from hotline.api import api

pytestmark = pytest.mark.django_db

USER_OF_ROLE = {
    Role.AGENT: "agent1",
    Role.TEAM_LEAD: "lead",
    Role.MANAGER: "manager",
    Role.DISPATCHER: "dispatcher",
    Role.PROVIDER: "provider1",
    Role.CUSTOMER: "customer1",
    Role.ADMIN: "admin",
    Role.PBX: "pbx",
}
# Arguments for the URLs that take some.
URL_ARGS: dict[str, list[object]] = {
    "rulebook:edit": ["a2.max_wait"],
    "rulebook:reset": ["a2.max_wait"],
    # tickets: the walk's made-up ticket id; a visible ticket is tested in test_pages_ticket
    **{
        f"tickets:{name}": [1]
        for name in (
            "detail",
            "hints",
            "act",
            "chase",
            "reassign",
            "approve",
            "complaint_hand",
            "complaint_answer",
            "incident_decide",
            "incident_report",
        )
    },
}
URL_ARGS |= {  # dispatch and provider portal: made-up order ids
    name: [1]
    for name in (
        "dispatch:order",
        "dispatch:urge",
        "dispatch:report",
        "provider:order",
        "provider:action",
        "provider:report",
    )
}
URL_ARGS["notices:logged"] = [1]  # notices: a made-up notice id
# follow-up and portal: made-up follow-up, ticket and customer ids
URL_ARGS |= {
    "followup:detail": [1],
    "followup:act": [1],
    "portal:case": [1],
    "portal:customer_record": [1],
}
# workforce: made-up roster, shift and leave ids
URL_ARGS |= {
    "workforce:roster": [1],
    "workforce:publish": [1],
    "workforce:staffing": [1],
    "workforce:shift_edit": [1],
    "workforce:leave_decide": [1],
}
# call quality reviews (B11): made-up review and call ids
URL_ARGS |= {"calls:review": [1], "calls:review_call": [1], "calls:wallboard_acknowledge": [1]}
# imports: a kind and a format
URL_ARGS |= {"imports:template": ["regions", "csv"], "imports:export": ["regions", "xlsx"]}
URL_ARGS["setup:step"] = ["site"]
URL_ARGS["imports:history_result"] = [UUID(int=0)]  # a made-up import (a task result)
# a call's recording: a made-up call id
URL_ARGS["voice:recording_audio"] = [1]
# the desk: a made-up call id (wrap-up, linking the call to a case)
URL_ARGS |= {"calls:wrap_up": [1], "tickets:link_call": [1]}
# sign-in and tokens: a made-up token id, a made-up reset link
URL_ARGS |= {
    "accounts:token_revoke": [1],
    "accounts:password_reset_confirm": ["MQ", "made-up-token"],
}
# Bodies that pass validation, so the walk reaches the permission check.
API_BODIES: dict[str, dict[str, object]] = {
    "rulebook_set": {"value": "3", "reason": "walk"},
    "rulebook_reset": {"reason": "walk"},
    "imports_file": {"csv": "code,name\n", "dry_run": True},
    "floor_leave": {"kind": "break"},
    "floor_transfer": {"to_agent": "agent2", "reason": "walk"},
    "floor_callback_outcome": {"outcome": "completed"},
    "floor_override_logout": {"reason": "end of shift"},
    "floor_callback": {
        "queue": "repairs",
        "number": "+359 2 1",
        "window_start": "2030-01-01T10:00:00Z",
        "window_end": "2030-01-01T11:00:00Z",
    },
    "floor_override_leave": {"kind": "break", "reason": "walk"},
    "floor_take_over": {"reason": "walk"},
    "floor_call_wrap_up": {"code": "resolved"},
    "review_create": {"call_id": 1, "marks": {"greeting": "met"}},
    "cti_call_arrived": {"external_id": "walk-1", "queue": "repairs", "caller_number": "+359 2 1"},
    "cti_call_answered": {"agent": "agent1"},
    "cti_call_held": {"on_hold": True},
    "voice_phone_state": {"registered": False, "reason": "walk"},
    "voice_failure": {
        "external_id": "sip-walk-1",
        "status": 0,
        "outcome": "refused",
        "failed_at": 1790000000,
    },
    "voice_route_call": {"external_id": "sip-walk-1", "queue": "repairs", "caller": "0888"},
    "voice_sip_auth": {"username": "h000000000000"},
    "voice_dial_out": {"username": "h000000000000", "number": "0888", "dialog": "sip-walk-1"},
    "voice_phone_unanswered": {"offer_id": 1, "refused": True},
    "voice_listen_start": {"call_id": 1},
    "voice_listen_answer": {"ticket": "t", "side": 0, "sdp": "v=0"},
    "voice_listen_stop": {"ticket": "t"},
    "voice_caller_pressed": {"digit": "1"},
    "voice_transfer_ring": {"target": "xfer-1-0123456789abcdef0123"},
    "voice_transfer_answered": {"external_id": "sip-walk-2"},
    "voice_transfer_unanswered": {"refused": True},
    "work_order_dispatch": {"ticket_id": 1},
    "work_order_urge": {},
    "provider_order_delay": {},
    "chase_record": {"ticket_id": 1},
    "chase_reply": {"note": "walk"},
    "provider_order_contact": {
        "visit_start": "2030-01-01T10:00:00Z",
        "visit_end": "2030-01-01T11:00:00Z",
    },
    "provider_order_status": {"text": "walk"},
    "provider_order_complete": {"work_done": "walk"},
    "provider_order_sign": {"signer_name": "walk"},
    "cti_call_callback": {
        "window_start": "2030-01-01T10:00:00Z",
        "window_end": "2030-01-01T11:00:00Z",
    },
    # tickets: made-up ticket ids; the walk's enquiry is a real one (201)
    "ticket_create": {"customer_id": 1, "kind": "enquiry", "symptom": "walk"},
    "ticket_edit": {"symptom": "walk"},
    "ticket_window": {"start": "2030-01-01T10:00:00Z", "end": "2030-01-01T11:00:00Z"},
    "ticket_options": {"offered": ["repair"], "chosen": "repair"},
    "ticket_solve": {"resolution": "walk"},
    "ticket_escalate": {"reason": "walk"},
    "ticket_reassign": {"to_agent": "agent2", "reason": "walk"},
    "ticket_approve_special": {"approved": True},
    "ticket_bounce": {"reason": "walk"},
    "complaint_settle": {"outcome": "walk"},
    "complaint_escalate": {"reason": "walk"},
    "complaint_answer": {"outcome": "walk"},
    "incident_decide": {"decision": "walk"},
    "incident_file_report": {"report": "walk"},
    # follow-up and portal
    "followup_release": {"note": "walk"},
    "followup_record": {"score": 5, "reason": "walk", "resolved": True},
    "record_export": {"format": "json"},
    "customer_record_export": {"format": "json"},
    # workforce
    "workforce_leave_ask": {"first_day": "2030-01-07", "last_day": "2030-01-07", "reason": "walk"},
    "workforce_leave_decide": {"approve": False},
}
PATH_ARGS = {
    "{key}": "a2.max_wait",
    "{kind}": "regions",
    "{call_id}": "1",
    "{offer_id}": "1",
    "{transfer_id}": "1",
    "{username}": "agent2",
    "{external_id}": "walk-1",
    "{notice_id}": "1",
    "{order_id}": "1",
    "{chase_id}": "1",
    "{ticket_id}": "1",
    "{followup_id}": "1",
    "{customer_id}": "1",
    "{leave_id}": "1",
    "{roster_id}": "1",
    "{callback_id}": "1",
    "{alert_id}": "1",
}


def concrete(path: str) -> str:
    for placeholder, value in PATH_ARGS.items():
        path = path.replace(placeholder, value)
    return path


def in_language(user, message: str) -> str:
    with translation.override(user.language or "en"):
        return translation.gettext(message)


def all_view_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            space = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= all_view_names(entry, space)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(prefix + entry.name)
    return names


def page_names() -> list[str]:
    return sorted(n for n in all_view_names() if not n.startswith(("api:", "admin:")))


def api_operations() -> list[tuple[str, str, str]]:
    schema = api.get_openapi_schema()
    return sorted(
        (op["operationId"], method.upper(), path)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
    )


def test_every_page_has_an_entry_in_the_permission_table():
    missing = {n for n in all_view_names() if not n.startswith("api:")} - PUBLIC_VIEWS
    missing = {n for n in missing if view_key(n) not in VIEW_ROLES}
    assert not missing, f"pages without a permission entry: {sorted(missing)}"


def test_every_api_operation_has_an_entry_in_the_permission_table():
    missing = [op for op, _, _ in api_operations() if op not in API_ROLES]
    assert not missing, f"API operations without a permission entry: {missing}"


def test_the_table_has_no_stale_entries():
    assert set(API_ROLES) == {op for op, _, _ in api_operations()}
    stale = set(VIEW_ROLES) - {view_key(n) for n in all_view_names()}
    assert not stale


@pytest.mark.parametrize("name", page_names())
def test_anonymous_visitor_is_sent_to_sign_in(client, centre, name):
    response = client.get(reverse(name, args=URL_ARGS.get(name, [])))
    if name in PUBLIC_VIEWS:
        assert response.status_code in (200, 302, 405)
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("name", [*page_names(), "admin:index"])
def test_every_page_as_every_role(client, centre, role, name):
    client.force_login(centre[USER_OF_ROLE[role]])
    response = client.get(reverse(name, args=URL_ARGS.get(name, [])))
    if name in PUBLIC_VIEWS or role in VIEW_ROLES[view_key(name)]:
        # Allowed through the door; a made-up id may still be missing (404).
        made_up_id = any(isinstance(arg, int | UUID) for arg in URL_ARGS.get(name, []))
        allowed = (200, 302, 405, 404) if made_up_id else (200, 302, 405)
        assert response.status_code in allowed, response.status_code
    else:
        assert response.status_code == 403
        assert in_language(centre[USER_OF_ROLE[role]], "Your role cannot open this page.") in (
            response.content.decode()
        )


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("operation", "method", "path"), api_operations())
def test_every_api_operation_as_every_role(
    client, centre, token_for, role, operation, method, path
):
    token = token_for(centre[USER_OF_ROLE[role]])
    url = concrete(path)
    response = client.generic(
        method,
        url,
        data=_json(API_BODIES.get(operation)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    if role in API_ROLES[operation]:
        # Allowed through the door; the walk's made-up ids may still be missing (404) or
        # refused by a rule (409), or a default can't be reset (422).
        assert response.status_code in (200, 201, 204, 404, 409, 422), response.content
    else:
        assert response.status_code == 403
        detail = in_language(centre[USER_OF_ROLE[role]], "Your role cannot use this operation.")
        assert response.json() == {"detail": detail}


@pytest.mark.parametrize(("operation", "method", "path"), api_operations())
def test_api_without_credentials_is_refused(client, centre, operation, method, path):
    response = client.generic(
        method,
        concrete(path),
        data=_json(API_BODIES.get(operation)),
        content_type="application/json",
    )
    assert response.status_code == 401


def _json(body: object) -> str:
    return json.dumps(body) if body is not None else ""
