"""The one permission table: every page and every API operation, and the roles that may use it.

A route missing from the table is refused to everyone (and a test fails), so a new page can't
be reachable by accident. Scoping *which rows* a role sees is the selectors' job; this table
decides only who may open the door.
"""

from hotline.accounts.choices import Role

EVERYONE = frozenset(Role)
STAFF = frozenset({Role.AGENT, Role.TEAM_LEAD, Role.MANAGER, Role.DISPATCHER, Role.ADMIN})
SUPERVISORS = frozenset({Role.TEAM_LEAD, Role.MANAGER, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})
ON_THE_PHONES = frozenset({Role.AGENT, Role.TEAM_LEAD})
AGENTS = frozenset({Role.AGENT})
LEADS = frozenset({Role.TEAM_LEAD})
PBX = frozenset({Role.PBX})
DISPATCHERS = frozenset({Role.DISPATCHER, Role.TEAM_LEAD, Role.MANAGER, Role.ADMIN})
PROVIDERS = frozenset({Role.PROVIDER})
CUSTOMERS = frozenset({Role.CUSTOMER})
# Who reads every case and its orders: the lead runs the centre day to day (D15) and stands in at
# the dispatch desk; an agent reads their own cases, a customer its own account (the selectors).
SEE_EVERY_CASE = frozenset({Role.TEAM_LEAD, Role.MANAGER, Role.DISPATCHER, Role.ADMIN})
# Who makes the phone calls and faxes of the providers' channels and logs them (D3).
NOTICE_LOGGERS = frozenset({Role.DISPATCHER, Role.TEAM_LEAD})

# Who reads an event's raw record (its old/new as stored) on the event log; the others who may
# open the log read the sentences only.
EVENT_PAYLOAD_READERS = ADMINS

# Pages anyone may open without signing in. (The probes /healthz and /readyz, and /metrics with
# its own token, are no Django URLs: hotline/ops/middleware.py answers them before any page.)
PUBLIC_VIEWS = frozenset(
    {
        "accounts:login",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "set_language",
        "static",
    }
)

# Django URL names (namespace:name) of the pages.
VIEW_ROLES: dict[str, frozenset[Role]] = {
    "home": EVERYONE,
    "accounts:logout": EVERYONE,
    "accounts:language": EVERYONE,
    "accounts:profile": EVERYONE,
    "accounts:token_revoke": EVERYONE,  # one's own tokens; an admin's, anyone's (selector)
    "accounts:password_change": EVERYONE,
    "rulebook:list": STAFF,
    "rulebook:edit": ADMINS,
    "rulebook:reset": ADMINS,
    # a centre's data in and out (issue 20): customers' and people's details, so admins only
    "imports:index": ADMINS,
    "imports:check": ADMINS,
    "imports:confirm": ADMINS,
    "imports:holidays": ADMINS,
    "imports:history": ADMINS,  # call history (CDR files) up to 200 MB
    "imports:history_confirm": ADMINS,
    "imports:history_result": ADMINS,
    "imports:template": ADMINS,
    "imports:export": ADMINS,
    # the setup page of a new centre (issue 20): sites, hours, teams, queues, rulebook numbers
    "setup:index": ADMINS,
    "setup:step": ADMINS,
    "audit:list": frozenset({Role.MANAGER, Role.ADMIN}),
    "admin:*": ADMINS,
    "calls:desk": ON_THE_PHONES,
    "calls:desk_panel": ON_THE_PHONES,
    "calls:desk_action": ON_THE_PHONES,
    "calls:wrap_up": ON_THE_PHONES,
    "calls:wallboard": LEADS,
    "calls:wallboard_panel": LEADS,
    "calls:wallboard_acknowledge": LEADS,  # the alert's own team's lead (the selector)
    "calls:stream": ON_THE_PHONES,
    # --- call quality reviews (B11): leads review; the agent reads their own ---
    "calls:reviews": SUPERVISORS,
    "calls:review_call": LEADS,
    "calls:review": AGENTS | SUPERVISORS,
    "calls:my_reviews": AGENTS,
    # A call's recording: its agent, their lead, managers (the selector); everyone else finds
    # no recording there (404), whatever their role.
    "voice:recording_audio": EVERYONE,
    # --- tickets (cases) ---
    "tickets:list": STAFF,
    "tickets:new": ON_THE_PHONES,
    "tickets:detail": STAFF,
    "tickets:hints": ON_THE_PHONES,
    "tickets:link_call": ON_THE_PHONES,
    "tickets:act": ON_THE_PHONES,
    "tickets:chase": ON_THE_PHONES | DISPATCHERS,
    "tickets:reassign": LEADS,
    "tickets:approvals": LEADS,
    "tickets:approve": LEADS,
    "tickets:complaints": SUPERVISORS,
    "tickets:complaint_hand": LEADS,
    "tickets:complaint_answer": SUPERVISORS,
    "tickets:incidents": SUPERVISORS,
    "tickets:incident_decide": frozenset({Role.MANAGER}),
    "tickets:incident_report": LEADS,
    # --- dispatch and provider portal ---
    "dispatch:board": DISPATCHERS,
    "dispatch:dispatch": DISPATCHERS,
    "dispatch:bounce": DISPATCHERS,
    "dispatch:urge": DISPATCHERS,
    "dispatch:order": DISPATCHERS | ON_THE_PHONES,
    "dispatch:report": DISPATCHERS | ON_THE_PHONES | PROVIDERS | CUSTOMERS,
    "provider:orders": PROVIDERS,
    "provider:order": PROVIDERS,
    "provider:action": PROVIDERS,
    "provider:report": PROVIDERS,
    # --- notices ---
    "notices:list": EVERYONE - PBX,
    "notices:logged": NOTICE_LOGGERS,
    # --- follow-up and portal ---
    "followup:list": ON_THE_PHONES | SUPERVISORS,
    "followup:detail": ON_THE_PHONES | SUPERVISORS,
    "followup:act": ON_THE_PHONES,
    "portal:cases": CUSTOMERS,
    "portal:case": CUSTOMERS,
    "portal:record": CUSTOMERS,
    "portal:records": STAFF,
    "portal:customer_record": STAFF,
    # --- reports ---
    "reports:index": SUPERVISORS | PROVIDERS,
    "reports:monthly": SUPERVISORS | PROVIDERS,
    "reports:weekly": SUPERVISORS,
    "reports:daily": SUPERVISORS,
    # --- workforce ---
    "workforce:rosters": SUPERVISORS,
    "workforce:generate": SUPERVISORS,
    "workforce:roster": SUPERVISORS,
    "workforce:publish": SUPERVISORS,
    "workforce:staffing": SUPERVISORS,
    "workforce:shift_edit": SUPERVISORS,
    "workforce:leave": ON_THE_PHONES | SUPERVISORS,
    "workforce:leave_ask": ON_THE_PHONES,
    "workforce:leave_decide": LEADS,
    "workforce:adherence": SUPERVISORS,
}

# django-ninja operation ids (the view function names) under /api/v1/.
API_ROLES: dict[str, frozenset[Role]] = {
    "me": EVERYONE,
    "rulebook_list": STAFF,
    "rulebook_scopes": ADMINS,
    "rulebook_set": ADMINS,
    "rulebook_reset": ADMINS,
    "imports_file": ADMINS,  # a centre's data (issue 20), as the admins' import page
    "events_list": frozenset({Role.MANAGER, Role.ADMIN}),
    "floor_desk": ON_THE_PHONES,
    "floor_login": ON_THE_PHONES,
    "floor_ready": ON_THE_PHONES,
    "floor_logout": ON_THE_PHONES,
    "floor_leave": ON_THE_PHONES,
    "floor_offer_accept": ON_THE_PHONES,
    "floor_offer_decline": ON_THE_PHONES,
    "floor_call_end": ON_THE_PHONES,
    "floor_wrap_up_end": ON_THE_PHONES,
    "floor_call_wrap_up": ON_THE_PHONES,
    "floor_transfer": ON_THE_PHONES,
    "floor_transfer_accept": ON_THE_PHONES,
    "floor_transfer_decline": ON_THE_PHONES,
    "floor_callback": ON_THE_PHONES,
    "floor_callback_outcome": ON_THE_PHONES,
    "floor_wallboard": LEADS,
    # the alert's team's lead, or a manager, who runs every team (services.alerts.alerts_for)
    "floor_alert_acknowledge": frozenset({Role.TEAM_LEAD, Role.MANAGER}),
    "floor_override_leave": LEADS,
    "floor_override_logout": LEADS,
    "floor_take_over": LEADS,
    "reviews_list": AGENTS | SUPERVISORS,
    "review_create": LEADS,
    "cti_call_arrived": PBX,
    "cti_call_state": PBX,
    "cti_call_answered": PBX,
    "cti_call_ended": PBX,
    "cti_call_abandoned": PBX,
    "cti_call_held": PBX,
    "cti_call_callback": PBX,
    # --- the SIP edge (Kamailio asks as the PBX; agents get their phone's credential) ---
    "voice_route_call": PBX,
    "voice_phone_unanswered": PBX,
    "voice_caller_pressed": PBX,
    "voice_sip_auth": PBX,
    "voice_dial_out": PBX,
    "voice_credential_issue": ON_THE_PHONES,
    "voice_listen_start": SUPERVISORS,
    "voice_listen_answer": SUPERVISORS,
    "voice_listen_stop": SUPERVISORS,
    "voice_phone_state": ON_THE_PHONES,
    "voice_failure": PBX,
    "voice_transfer_refer": ON_THE_PHONES,
    "voice_transfer_ring": PBX,
    "voice_transfer_answered": PBX,
    "voice_transfer_unanswered": PBX,
    # --- tickets (cases) ---
    "tickets_list": STAFF | CUSTOMERS,
    "ticket_get": STAFF | CUSTOMERS,
    "ticket_create": ON_THE_PHONES,
    "ticket_edit": ON_THE_PHONES,
    "ticket_quality": ON_THE_PHONES | DISPATCHERS,
    "ticket_read_back": ON_THE_PHONES,
    "ticket_confirm": ON_THE_PHONES,
    "ticket_window": ON_THE_PHONES,
    "ticket_options": ON_THE_PHONES,
    "ticket_solve": ON_THE_PHONES,
    "ticket_callback": ON_THE_PHONES,
    "ticket_escalate": ON_THE_PHONES,
    "ticket_reassign": LEADS,
    "ticket_approve_special": LEADS,
    "ticket_bounce": DISPATCHERS,
    # what a case is opened with (the selectors scope a customer to their own account)
    "customers_search": STAFF | CUSTOMERS,
    "customer_sites": STAFF | CUSTOMERS,
    "customer_equipment": STAFF | CUSTOMERS,
    "fault_categories": STAFF | CUSTOMERS,
    "complaint_settle": ON_THE_PHONES,
    "complaint_escalate": ON_THE_PHONES,
    "complaint_hand_to_engineer": LEADS,
    "complaint_answer": STAFF,
    "incident_decide": frozenset({Role.MANAGER}),
    "incident_file_report": LEADS,
    # --- dispatch and provider portal ---
    "dispatch_board": DISPATCHERS,
    "work_order_dispatch": DISPATCHERS,
    "work_order_get": DISPATCHERS | ON_THE_PHONES,
    "work_order_urge": DISPATCHERS,
    "chase_record": ON_THE_PHONES | DISPATCHERS,
    "chase_reply": ON_THE_PHONES | DISPATCHERS,
    "provider_orders": PROVIDERS,
    "provider_order_get": PROVIDERS,
    "provider_order_acknowledge": PROVIDERS,
    "provider_order_contact": PROVIDERS,
    "provider_order_status": PROVIDERS,
    "provider_order_delay": PROVIDERS,
    "provider_order_complete": PROVIDERS,
    "provider_order_sign": PROVIDERS,
    # --- notices ---
    "notices_list": EVERYONE - PBX,
    "notices_mark_logged": NOTICE_LOGGERS,
    # --- follow-up and portal ---
    "followups_list": ON_THE_PHONES | SUPERVISORS,
    "followup_get": ON_THE_PHONES | SUPERVISORS,
    "followup_take": ON_THE_PHONES,
    "followup_release": ON_THE_PHONES,
    "followup_record": ON_THE_PHONES,
    "portal_cases": CUSTOMERS,
    "portal_case_get": CUSTOMERS,
    "record_export": CUSTOMERS,
    "customer_record_export": STAFF,
    # --- reports ---
    "reports_monthly": SUPERVISORS | PROVIDERS,
    "reports_weekly": SUPERVISORS,
    "reports_daily": SUPERVISORS,
    # --- workforce ---
    "workforce_leave_list": ON_THE_PHONES | SUPERVISORS,
    "workforce_leave_ask": ON_THE_PHONES,
    "workforce_leave_decide": LEADS,
    "workforce_rosters": SUPERVISORS,
    "workforce_roster": SUPERVISORS,
    "workforce_roster_publish": SUPERVISORS,
    "workforce_adherence": SUPERVISORS,
}


def view_key(view_name: str) -> str:
    """Django admin has hundreds of URL names; the table holds them as one entry."""
    return "admin:*" if view_name.startswith("admin:") else view_name


def may_open_view(role: str, view_name: str) -> bool:
    return role in VIEW_ROLES.get(view_key(view_name), frozenset())


def may_call_operation(role: str, operation_id: str) -> bool:
    return role in API_ROLES.get(operation_id, frozenset())
