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
LEADS = frozenset({Role.TEAM_LEAD})
PBX = frozenset({Role.PBX})
DISPATCHERS = frozenset({Role.DISPATCHER, Role.TEAM_LEAD, Role.MANAGER, Role.ADMIN})
PROVIDERS = frozenset({Role.PROVIDER})
CUSTOMERS = frozenset({Role.CUSTOMER})

# Pages anyone may open without signing in.
PUBLIC_VIEWS = frozenset({"accounts:login", "set_language", "static"})

# Django URL names (namespace:name) of the pages.
VIEW_ROLES: dict[str, frozenset[Role]] = {
    "home": EVERYONE,
    "accounts:logout": EVERYONE,
    "accounts:language": EVERYONE,
    "accounts:profile": EVERYONE,
    "rulebook:list": STAFF,
    "rulebook:edit": ADMINS,
    "rulebook:reset": ADMINS,
    "audit:list": frozenset({Role.MANAGER, Role.ADMIN}),
    "admin:*": ADMINS,
    "calls:desk": ON_THE_PHONES,
    "calls:desk_panel": ON_THE_PHONES,
    "calls:desk_action": ON_THE_PHONES,
    "calls:wallboard": LEADS,
    "calls:wallboard_panel": LEADS,
    "calls:stream": ON_THE_PHONES,
    # --- tickets (issue 4: cases) ---
    # --- dispatch and provider portal (issue 4) ---
    # --- notices (issue 4) ---
}

# django-ninja operation ids (the view function names) under /api/v1/.
API_ROLES: dict[str, frozenset[Role]] = {
    "me": EVERYONE,
    "rulebook_list": STAFF,
    "rulebook_set": ADMINS,
    "rulebook_reset": ADMINS,
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
    "floor_transfer": ON_THE_PHONES,
    "floor_transfer_accept": ON_THE_PHONES,
    "floor_transfer_decline": ON_THE_PHONES,
    "floor_callback": ON_THE_PHONES,
    "floor_wallboard": LEADS,
    "floor_override_leave": LEADS,
    "floor_take_over": LEADS,
    "cti_call_arrived": PBX,
    "cti_call_answered": PBX,
    "cti_call_ended": PBX,
    "cti_call_abandoned": PBX,
    "cti_call_callback": PBX,
    # --- tickets (issue 4: cases) ---
    # --- dispatch and provider portal (issue 4) ---
    # --- notices (issue 4) ---
}


def view_key(view_name: str) -> str:
    """Django admin has hundreds of URL names; the table holds them as one entry."""
    return "admin:*" if view_name.startswith("admin:") else view_name


def may_open_view(role: str, view_name: str) -> bool:
    return role in VIEW_ROLES.get(view_key(view_name), frozenset())


def may_call_operation(role: str, operation_id: str) -> bool:
    return role in API_ROLES.get(operation_id, frozenset())
