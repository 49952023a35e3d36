"""Every input of every API operation is bounded, as the OpenAPI documents it.

The walk reads /api/v1/openapi.json: each query, header and cookie parameter and each request
body field, through references, unions, lists and maps. A string needs a maxLength (or an enum,
or a date format with its range); a number a minimum and a maximum; a list its maxItems; a map
the length of its keys and its maxProperties. A parameter that picks a list's subset or order
(filter, tab, state, kind, ordering...) is an enum, so an unknown value is a 422 rather than a
silently empty or different list. A new operation with an unbounded input fails here, named.
"""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext

SCHEMA_PATH = "/api/v1/openapi.json"

# Formats whose strings are short by their grammar; a date or time also needs its range.
DATE_FORMATS = {"date", "date-time"}
SHORT_FORMATS = DATE_FORMATS | {"time", "uuid"}
# Query parameters that choose which rows of a list, or their order.
CHOOSERS = {"filter", "tab", "state", "kind", "status", "order", "ordering", "sort", "rule"}


class Walk:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.components = schema.get("components", {}).get("schemas", {})

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        seen = set()
        while "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name in seen:
                break
            seen.add(name)
            node = self.components[name]
        return node

    def unbounded(self, node: dict[str, Any], where: str, depth: int = 0) -> Iterator[str]:
        """Each field under `node` without its bounds, as 'where: what is missing'."""
        node = self.resolve(node)
        if depth > 20:
            return  # a recursive schema: its fields were walked on the way down
        branches = node.get("anyOf") or node.get("oneOf") or node.get("allOf")
        if branches:
            for branch in branches:
                yield from self.unbounded(branch, where, depth + 1)
            return
        if "enum" in node or "const" in node:
            return
        kind = node.get("type")
        if isinstance(kind, list):  # ["string", "null"]
            for one in kind:
                yield from self.unbounded({**node, "type": one}, where, depth + 1)
            return
        if kind == "string":
            yield from self._string(node, where)
        elif kind in ("integer", "number"):
            low = "minimum" in node or "exclusiveMinimum" in node
            high = "maximum" in node or "exclusiveMaximum" in node
            if not (low and high):
                yield f"{where}: a {kind} without minimum and maximum"
        elif kind == "array":
            if "maxItems" not in node:
                yield f"{where}: a list without maxItems"
            yield from self.unbounded(node.get("items", {}), f"{where}[]", depth + 1)
        elif kind == "object":
            yield from self._object(node, where, depth)
        elif kind not in ("boolean", "null"):
            yield f"{where}: no type at all (Any): say what it holds"

    def _string(self, node: dict[str, Any], where: str) -> Iterator[str]:
        form = node.get("format")
        if form in DATE_FORMATS and not {"formatMinimum", "formatMaximum"} <= set(node):
            yield f"{where}: a {form} without its range (hotline.bounds.Moment or Day)"
        elif "maxLength" not in node and form not in SHORT_FORMATS:
            yield f"{where}: a string without maxLength"

    def _object(self, node: dict[str, Any], where: str, depth: int) -> Iterator[str]:
        for name, field in node.get("properties", {}).items():
            yield from self.unbounded(field, f"{where}.{name}", depth + 1)
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            keys = node.get("propertyNames", {})
            if not ("maxLength" in keys or "enum" in keys):
                yield f"{where}: a map whose keys have no maxLength"
            if "maxProperties" not in node and "enum" not in keys:
                yield f"{where}: a map without maxProperties"
            yield from self.unbounded(extra, f"{where}{{}}", depth + 1)
        elif not node.get("properties") and extra is not False:
            yield f"{where}: an object without fields: say what it holds"


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            name = f"{method.upper()} {path} ({operation['operationId']})"
            yield name, operation


def unbounded_inputs(schema: dict[str, Any]) -> list[str]:
    walk = Walk(schema)
    found = []
    for name, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path":
                continue  # a path names one object; its lookup answers 404
            where = f"{parameter['in']} parameter {parameter['name']}"
            found += [f"{name}: {gap}" for gap in walk.unbounded(parameter["schema"], where)]
        for content in operation.get("requestBody", {}).get("content", {}).values():
            found += [f"{name}: {gap}" for gap in walk.unbounded(content["schema"], "body")]
    return found


def open_choosers(schema: dict[str, Any]) -> list[str]:
    """List parameters that choose rows or order but take any string."""
    walk = Walk(schema)
    found = []
    for name, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query" or parameter["name"] not in CHOOSERS:
                continue
            node = walk.resolve(parameter["schema"])
            branches = [walk.resolve(b) for b in node.get("anyOf", [node])]
            if not all("enum" in b or "const" in b for b in branches):
                found.append(f"{name}: query parameter {parameter['name']} is not an enum")
    return found


@pytest.fixture
def openapi(client) -> dict[str, Any]:
    answer = client.get(SCHEMA_PATH)
    assert answer.status_code == 200
    schema: dict[str, Any] = answer.json()
    return schema


def test_every_api_input_is_bounded_in_the_openapi(openapi):
    assert unbounded_inputs(openapi) == []


def test_every_list_filter_is_an_enum_in_the_openapi(openapi):
    assert open_choosers(openapi) == []


def test_the_walk_finds_unbounded_inputs():
    """The walk itself: each kind of gap is found and named with its operation and field."""
    schema = {
        "paths": {
            "/api/v1/things": {
                "post": {
                    "operationId": "thing_create",
                    "parameters": [
                        {"in": "query", "name": "filter", "schema": {"type": "string"}},
                        {"in": "path", "name": "id", "schema": {"type": "integer"}},
                    ],
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/c/s/ThingIn"}}}
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "ThingIn": {
                    "type": "object",
                    "properties": {
                        "note": {"type": "string"},
                        "short": {"type": "string", "maxLength": 10},
                        "count": {"type": "integer", "minimum": 0},
                        "when": {"type": "string", "format": "date-time"},
                        "tags": {"type": "array", "items": {"type": "string", "maxLength": 9}},
                        "marks": {"type": "object", "additionalProperties": {"type": "string"}},
                        "anything": {},
                        "maybe": {"anyOf": [{"type": "number"}, {"type": "null"}]},
                    },
                }
            }
        },
    }
    operation = "POST /api/v1/things (thing_create)"
    assert unbounded_inputs(schema) == [
        f"{operation}: query parameter filter: a string without maxLength",
        f"{operation}: body.note: a string without maxLength",
        f"{operation}: body.count: a integer without minimum and maximum",
        f"{operation}: body.when: a date-time without its range (hotline.bounds.Moment or Day)",
        f"{operation}: body.tags: a list without maxItems",
        f"{operation}: body.marks: a map whose keys have no maxLength",
        f"{operation}: body.marks: a map without maxProperties",
        f"{operation}: body.marks{{}}: a string without maxLength",
        f"{operation}: body.anything: no type at all (Any): say what it holds",
        f"{operation}: body.maybe: a number without minimum and maximum",
    ]
    assert open_choosers(schema) == [f"{operation}: query parameter filter is not an enum"]


def test_list_filters_offer_exactly_the_lists_there_are(openapi):
    """The enums of the list filters are the selectors' own lists, not copies that drift."""
    from hotline.dispatch.selectors import BOARD_TABS, PROVIDER_FILTERS
    from hotline.followup.selectors import FILTERS

    def values(path: str, name: str) -> tuple[str, ...]:
        parameters = openapi["paths"][path]["get"]["parameters"]
        return tuple(next(p for p in parameters if p["name"] == name)["schema"]["enum"])

    assert values("/api/v1/dispatch/board", "tab") == BOARD_TABS
    assert values("/api/v1/provider/orders", "filter") == PROVIDER_FILTERS
    assert values("/api/v1/followups", "filter") == FILTERS


# --- the bounds, through the HTTP API as the centre's people -------------------------------


@pytest.fixture
def api(client, centre, token_for):
    from hotline.accounts.models import User

    User.objects.filter(username="pbx").update(language="ru")  # the exchange's admin reads ru

    tokens: dict[str, str] = {}

    def call(username: str, method: str, path: str, body: Any = None):
        if username not in tokens:  # made once: a token is an event of its own
            tokens[username] = token_for(User.objects.get(username=username))
        token = tokens[username]
        return client.generic(
            method.upper(),
            f"/api/v1{path}",
            data="" if body is None else json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    return call


def in_language(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


def the_failure(answer, language: str) -> Any:
    assert answer.status_code == 422, answer.content
    assert answer["Content-Language"] == language
    (failure,) = answer.json()["detail"]
    return failure


HUGE = 100_000

TOO_LONG = [
    # who, language, path, body, the field, its limit
    ("pbx", "ru", "/cti/calls", {"external_id": "p-1", "queue": "repairs"}, "caller_number", 32),
    ("pbx", "ru", "/cti/calls", {"caller_number": "1", "queue": "repairs"}, "external_id", 100),
    ("agent1", "bg", "/tickets", {"customer_id": 1, "kind": "repair"}, "symptom", 2000),
    ("lead", "bg", "/floor/agents/agent1/override-leave", {"kind": "break"}, "reason", 200),
    ("dispatcher", "ru", "/dispatch/chases", {"ticket_id": 1}, "note", 2000),
    ("provider1", "bg", "/provider/orders/1/status", {}, "text", 2000),
    ("agent1", "bg", "/workforce/leave", {"first_day": "2026-12-01"}, "reason", 300),
]


@pytest.mark.parametrize(("username", "language", "path", "body", "field", "limit"), TOO_LONG)
def test_text_longer_than_its_column_is_a_422_and_changes_nothing(
    api, username, language, path, body, field, limit
):
    """100,000-character numbers, ids, symptoms, reasons and notes were taken (and on
    PostgreSQL some were server errors): the column's length is the limit."""
    from hotline.audit.models import Event

    assert api(username, "get", "/me").status_code == 200
    events = Event.objects.count()
    body = {"last_day": "2026-12-02", **body, field: "7" * HUGE}
    failure = the_failure(api(username, "post", path, body), language)
    assert (failure["type"], failure["loc"][-1]) == ("string_too_long", field)
    with translation.override(language):
        wanted = ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            limit,
        ) % {"limit_value": limit, "show_value": HUGE}
    assert failure["msg"] == wanted
    assert not failure["msg"].startswith("Ensure")  # Django's own words, translated
    assert Event.objects.count() == events


def test_the_longest_value_a_column_holds_is_taken(api):
    """On PostgreSQL, too: the limits are the columns', not tighter and not looser."""
    from hotline.calls.models import Call

    body = {"external_id": "p" * 100, "queue": "repairs", "caller_number": "+" + "5" * 31}
    assert api("pbx", "post", "/cti/calls", body).status_code == 201
    assert Call.objects.get().caller_number == body["caller_number"]


def test_times_need_their_offset_and_a_sane_year(api):
    from hotline.workforce.models import LeaveRequest

    contact = "/provider/orders/1/contact"
    end = "2026-11-24T12:00:00+02:00"
    naive = the_failure(
        api("provider1", "post", contact, {"visit_start": "2026-11-24T10:00:00", "visit_end": end}),
        "bg",
    )
    assert naive["type"] == "timezone_aware"
    assert naive["msg"] == in_language(
        "bg", "Give the time with its offset from UTC, e.g. 2026-11-24T10:00:00+02:00."
    )
    for start in ("1999-12-31T10:00:00+02:00", "9999-12-31T10:00:00+02:00"):
        body = {"visit_start": start, "visit_end": end}
        assert the_failure(api("provider1", "post", contact, body), "bg")["loc"][-1] == (
            "visit_start"
        )
    leave = {"first_day": "0001-01-01", "last_day": "2026-12-01", "reason": "wedding"}
    failure = the_failure(api("agent1", "post", "/workforce/leave", leave), "bg")
    assert (failure["type"], failure["loc"][-1]) == ("greater_than_equal", "first_day")
    assert not LeaveRequest.objects.exists()


UNKNOWN_FILTERS = [
    ("agent1", "bg", "/followups", "filter", "all"),
    ("agent1", "bg", "/tickets", "state", "everything"),
    ("agent1", "bg", "/tickets", "kind", "anything"),
    ("dispatcher", "ru", "/dispatch/board", "tab", "everything"),
    ("provider1", "bg", "/provider/orders", "filter", "late"),
    ("manager", "zh-hans", "/events", "rule", "B44"),
]
NOT_A_CHOICE = "Select a valid choice. %(value)s is not one of the available choices."


@pytest.mark.parametrize(("username", "language", "path", "name", "value"), UNKNOWN_FILTERS)
def test_an_unknown_list_filter_is_a_422_not_an_empty_list(
    api, username, language, path, name, value
):
    failure = the_failure(api(username, "get", f"{path}?{name}={value}"), language)
    assert failure["type"] in ("enum", "literal_error")  # pydantic's names of the failure
    assert failure["loc"] == ["query", name]
    assert failure["msg"] == in_language(language, NOT_A_CHOICE) % {"value": value}
    assert failure["msg"] != NOT_A_CHOICE % {"value": value}


def test_a_team_that_cannot_exist_is_a_422(api):
    failure = the_failure(api("lead", "get", "/workforce/adherence?team=0"), "bg")
    assert (failure["type"], failure["loc"]) == ("greater_than_equal", ["query", "team"])


def test_the_known_list_filters_still_list(api):
    for username, path in [
        ("agent1", "/followups?filter=done"),
        ("agent1", "/tickets?state=open&kind=repair"),
        ("agent1", "/tickets?state=&kind="),
        ("dispatcher", "/dispatch/board?tab=late"),
        ("provider1", "/provider/orders?filter=all"),
        ("manager", "/events?rule=B4&entity=calls.call"),
    ]:
        assert api(username, "get", path).status_code == 200, path
    # a role the list is not for is refused, whatever the filter, and learns nothing
    refused = api("customer1", "get", "/dispatch/board?tab=late")
    assert refused.status_code == 403
    assert set(refused.json()) == {"detail"}
