"""The desk with and without the softphone (HOTLINE_VOICE_WS_URL), and the CSP it gets: only
the edge's one WebSocket address is added to connect-src."""

import pytest
from django.test import Client

from hotline.security import content_security_policy

EDGE = "ws://127.0.0.1:8088"


def connect_src(policy: str) -> str:
    return next(part for part in policy.split("; ") if part.startswith("connect-src"))


def test_desk_without_the_voice_edge_has_no_phone_and_the_usual_csp(client, centre, settings):
    settings.HOTLINE_VOICE_WS_URL = ""
    client.force_login(centre["agent1"])
    page = client.get("/floor/desk/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="phone"' not in html
    assert "jssip" not in html
    assert connect_src(page["Content-Security-Policy"]) == "connect-src 'self'"


def test_desk_with_the_voice_edge_has_the_phone_outside_the_live_panel(client, centre, settings):
    settings.HOTLINE_VOICE_WS_URL = EDGE
    client.force_login(centre["agent1"])
    page = client.get("/floor/desk/")
    html = page.content.decode()
    assert 'id="phone"' in html
    assert "vendor/jssip-3.13.8.min.js" in html
    assert html.index('id="phone"') < html.index('id="desk"')  # not inside: never redrawn
    assert connect_src(page["Content-Security-Policy"]) == f"connect-src 'self' {EDGE}"
    # the live panel's updates do not carry the phone
    client.force_login(centre["agent1"])
    assert 'id="phone"' not in client.get("/floor/desk/panel/").content.decode()


@pytest.mark.parametrize("bad", ["ws://a; script-src *", "ws://a ws://b", "ws://a'"])
def test_csp_is_not_widened_by_a_voice_edge_address_that_is_not_one_address(settings, bad):
    settings.HOTLINE_VOICE_WS_URL = bad
    assert content_security_policy() == settings.CONTENT_SECURITY_POLICY


def test_b9_softphone_credential_names_the_configured_websocket_to_a_signed_in_desk(
    client, centre, settings
):
    """The phone asks with the page's session and CSRF token; without the token: 403."""
    settings.HOTLINE_VOICE_WS_URL = EDGE
    client.force_login(centre["agent1"])
    assert client.post("/api/v1/floor/login", content_type="application/json").status_code == 200
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(centre["agent1"])
    refused = strict.post("/api/v1/voice/credentials", content_type="application/json")
    assert refused.status_code == 403
    issued = client.post("/api/v1/voice/credentials", content_type="application/json")
    assert issued.status_code == 200, issued.content
    assert issued.json()["websocket"] == EDGE
