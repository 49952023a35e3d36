"""Sign-in throttling: wrong passwords per user name and per address lock sign-in
for a while, the right password too; every failure, lockout and unlock is in the event log."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import translation

from hotline.audit.models import Event
from hotline.testing.reference_centre import PASSWORD as DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, username, password, address="10.0.0.1", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def signed_in_as(client):
    me = client.get("/api/v1/me")
    return me.json()["username"] if me.status_code == 200 else None


def signin_events(action):
    return Event.objects.filter(entity="accounts.signin", action=action)


def lockout_text(language, minutes):
    with translation.override(language):
        return translation.ngettext(
            "Too many failed sign-ins. Try again in %(minutes)d minute.",
            "Too many failed sign-ins. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}


def test_forty_wrong_passwords_lock_the_user_and_then_the_right_one_is_refused(
    client, centre, clock
):
    for _ in range(40):  # 40 in 10 s
        response = sign_in(client, "agent1", "guess")
        assert response.status_code == 200
        clock.advance(seconds=0.25)
    response = sign_in(client, "agent1", DEMO_PASSWORD)
    assert response.status_code == 200
    assert lockout_text("en", 15) in response.content.decode()
    assert signed_in_as(client) is None
    # Five failures up to the lockout, then the lockout; attempts during it are not checked.
    failed = signin_events("failed")
    assert failed.count() == 5
    assert {e.entity_id for e in failed} == {"agent1"}
    assert failed.first().new["address"] == "10.0.0.1"
    locked = signin_events("locked").get()
    assert (locked.entity_id, locked.new["scope"], locked.new["failures"]) == ("agent1", "user", 5)

    clock.advance(minutes=15)
    response = sign_in(client, "agent1", DEMO_PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == "agent1"


def test_the_wait_is_said_in_the_readers_language_and_counts_down(client, centre, clock):
    for _ in range(5):
        sign_in(client, "agent1", "guess", HTTP_ACCEPT_LANGUAGE="bg")
    clock.advance(minutes=13, seconds=30)
    response = sign_in(client, "agent1", DEMO_PASSWORD, HTTP_ACCEPT_LANGUAGE="bg")
    assert lockout_text("bg", 2) in response.content.decode()
    assert 'lang="bg"' in response.content.decode()


def test_a_right_password_before_the_lockout_starts_the_count_afresh(client, centre, clock):
    for _ in range(4):
        sign_in(client, "agent1", "guess")
    assert sign_in(client, "agent1", DEMO_PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "agent1", "guess")
    assert sign_in(client, "agent1", DEMO_PASSWORD).status_code == 302
    assert not signin_events("locked").exists()


def test_old_failures_fall_out_of_the_window(client, centre, clock):
    for _ in range(4):
        sign_in(client, "agent1", "guess")
    clock.advance(minutes=16)
    sign_in(client, "agent1", "guess")
    assert sign_in(client, "agent1", DEMO_PASSWORD).status_code == 302


@override_settings(HOTLINE_SIGNIN_FAILURES_PER_ADDRESS=3)
def test_an_address_guessing_many_user_names_is_locked_but_others_are_not(client, centre, clock):
    for name in ("agent2", "ghost", "lead"):  # one try each: no user name reaches its limit
        sign_in(client, name, "guess", address="10.0.0.9")
    locked = signin_events("locked").get()
    assert (locked.entity_id, locked.new["scope"]) == ("10.0.0.9", "address")
    ghost = signin_events("failed").get(entity_id="(unknown user name)")
    assert ghost.new["known_user"] is False
    assert not Event.objects.filter(entity_id__contains="ghost").exists()  # maybe a password
    response = sign_in(client, "agent1", DEMO_PASSWORD, address="10.0.0.9")
    assert lockout_text("en", 15) in response.content.decode()
    assert signed_in_as(client) is None
    assert sign_in(client, "agent1", DEMO_PASSWORD, address="10.0.0.10").status_code == 302


@override_settings(HOTLINE_SIGNIN_FAILURES_PER_USER=2, HOTLINE_SIGNIN_LOCKOUT_MINUTES=5)
def test_the_numbers_are_settings(client, centre, clock):
    sign_in(client, "agent1", "guess")
    response = sign_in(client, "agent1", "guess")
    assert lockout_text("en", 5) in response.content.decode()
    clock.advance(minutes=5)
    assert sign_in(client, "agent1", DEMO_PASSWORD).status_code == 302


def test_a_form_with_missing_fields_is_refused_and_counts_nothing(client, centre, clock):
    for data in ({}, {"username": "agent1"}, {"password": DEMO_PASSWORD}):
        response = client.post(LOGIN, data, REMOTE_ADDR="10.0.0.1")
        assert response.status_code == 200
        assert 'role="alert"' in response.content.decode()
    assert not Event.objects.filter(entity="accounts.signin").exists()
    page = sign_in(client, "agent1", "guess").content.decode()
    assert 'value="agent1"' in page  # the user name is kept for the next try
    assert sign_in(client, "agent1", DEMO_PASSWORD).status_code == 302


def lock_agent1(client):
    for _ in range(5):
        sign_in(client, "agent1", "guess")
    assert signin_events("locked").exists()


def test_hotline_unlock_lifts_the_lockout_audited(client, centre, clock):
    lock_agent1(client)
    out = StringIO()
    call_command("unlock", "agent1", stdout=out)
    assert "unlocked agent1" in out.getvalue()
    unlocked = signin_events("unlocked").get()
    assert (unlocked.entity_id, unlocked.actor_label) == ("agent1", "system")
    assert sign_in(client, "agent1", DEMO_PASSWORD).status_code == 302


def test_hotline_unlock_of_an_address(client, centre, clock):
    with override_settings(HOTLINE_SIGNIN_FAILURES_PER_ADDRESS=2):
        sign_in(client, "x", "guess")
        sign_in(client, "y", "guess")
    call_command("unlock", "--address", "10.0.0.1", stdout=StringIO())
    assert signin_events("unlocked").get().old["scope"] == "address"
    assert sign_in(client, "agent1", DEMO_PASSWORD).status_code == 302


def test_hotline_unlock_of_nothing_locked_or_nobody_changes_nothing(centre):
    out = StringIO()
    call_command("unlock", "agent1", stdout=out)
    assert "was not locked" in out.getvalue()
    with pytest.raises(CommandError, match="name a USER"):
        call_command("unlock", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("unlock", "x" * 200, stdout=StringIO())
    assert not signin_events("unlocked").exists()


def test_an_admin_unlocks_from_the_users_page(client, centre, clock):
    lock_agent1(client)
    admin = client.__class__()
    admin.force_login(centre["admin"])
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "unlock_signin", "_selected_action": [centre["agent1"].pk]},
    )
    assert response.status_code == 302
    assert signin_events("unlocked").get().actor_label == "admin"
    assert sign_in(client, "agent1", DEMO_PASSWORD).status_code == 302


def test_a_team_lead_cannot_unlock(client, centre, clock):
    lock_agent1(client)
    lead = client.__class__()
    lead.force_login(centre["lead"])
    response = lead.post(
        "/admin/accounts/user/",
        {"action": "unlock_signin", "_selected_action": [centre["agent1"].pk]},
    )
    assert response.status_code == 403
    assert not signin_events("unlocked").exists()
    response = sign_in(client, "agent1", DEMO_PASSWORD)
    assert lockout_text("en", 15) in response.content.decode()
