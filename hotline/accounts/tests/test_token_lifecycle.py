"""API tokens: they expire, their owner (an admin: anyone) lists and revokes them on
the profile page or with `hotline token`, each revocation audited; a dead token is the 401."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from hotline.accounts.models import ApiToken
from hotline.accounts.services import api_token_create
from hotline.audit.models import Event

pytestmark = pytest.mark.django_db

NOT_SIGNED_IN = "Send a valid API token (Authorization: Bearer ...) or sign in first."


def me(client, raw, address="10.0.0.1"):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR=address)


def create(*args):
    out = StringIO()
    call_command("token", "create", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def revocations():
    return Event.objects.filter(entity="accounts.api_token", action="revoked")


def test_a_token_expires_after_its_days(client, centre, clock):
    raw = create("agent1", "--days", "1")
    token = ApiToken.objects.get(user=centre["agent1"])
    assert token.expires_at == clock.now + timedelta(days=1)
    clock.advance(hours=23, minutes=59)
    assert me(client, raw).status_code == 200
    clock.advance(minutes=1)
    response = me(client, raw)
    assert response.status_code == 401
    assert response.json() == {"detail": NOT_SIGNED_IN}


@override_settings(HOTLINE_TOKEN_DAYS=7)
def test_the_default_lifetime_is_a_setting(client, centre, clock):
    create("agent1")
    token = ApiToken.objects.get()
    assert token.expires_at is not None, "a token made with the default lifetime expires"
    assert token.expires_at - token.created_at == timedelta(days=7)
    created = Event.objects.get(entity="accounts.api_token", action="created")
    assert created.new is not None
    assert created.new["expires_at"]


@pytest.mark.parametrize("days", ["0", "3651", "-1", "a week"])
def test_bad_days_are_refused_and_nothing_is_made(centre, days):
    with pytest.raises(CommandError, match="--days"):
        create("agent1", "--days", days)
    assert not ApiToken.objects.exists()


def test_hotline_token_list_shows_state_and_last_use(client, centre, clock):
    live = create("agent1", "--name", "desk app")
    create("agent2")
    me(client, live)
    out = StringIO()
    call_command("token", "list", "agent1", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2  # the header and agent1's one token
    row = lines[1].split("\t")
    assert row[0] == live[:8]
    assert row[1:3] == ["agent1", "desk app"]
    assert row[5] != "-"
    assert row[6] == "live"
    out = StringIO()
    call_command("token", "list", stdout=out)
    assert len(out.getvalue().splitlines()) == 3
    with pytest.raises(CommandError, match="no user named"):
        call_command("token", "list", "ghost", stdout=StringIO())


def test_hotline_token_revoke_is_audited_and_the_token_is_dead(client, centre, clock):
    raw = create("agent1")
    out = StringIO()
    call_command("token", "revoke", raw[:8], stdout=out)
    assert f"revoked {raw[:8]} of agent1" in out.getvalue()
    assert revocations().get().actor_label == "system"
    response = me(client, raw)
    assert response.status_code == 401
    assert response.json() == {"detail": NOT_SIGNED_IN}
    out = StringIO()
    call_command("token", "revoke", raw[:8], stdout=out)
    assert "revoked already" in out.getvalue()
    assert revocations().count() == 1


@pytest.mark.parametrize("prefix", ["hl_zzzzz", "hl_", "x" * 300])
def test_hotline_token_revoke_of_no_token_fails_clearly(centre, prefix):
    create("agent1")
    with pytest.raises(CommandError, match="no token with prefix"):
        call_command("token", "revoke", prefix, stdout=StringIO())
    assert not revocations().exists()


def test_the_profile_lists_ones_own_tokens_with_their_last_use(client, centre, clock):
    mine = create("agent1", "--name", "desk app")
    create("agent2", "--name", "someone else's")
    me(client, mine)
    client.force_login(centre["agent1"])
    page = client.get("/accounts/me/").content.decode()
    assert mine[:8] in page
    assert "desk app" in page
    assert "someone else" not in page
    assert "never used" not in page  # it was used


def test_an_admin_sees_everyones_tokens(client, centre, clock):
    create("agent1", "--name", "desk app")
    create("agent2", "--name", "wallboard")
    client.force_login(centre["admin"])
    page = client.get("/accounts/me/").content.decode()
    assert "desk app" in page
    assert "wallboard" in page


def test_the_owner_revokes_a_token_on_the_profile_page(client, centre, clock):
    raw = create("agent1")
    token = ApiToken.objects.get()
    client.force_login(centre["agent1"])
    response = client.post(f"/accounts/me/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert ApiToken.objects.get().revoked_at == clock.now
    event = revocations().get()
    assert (event.actor_label, event.entity_id) == ("agent1", str(token.pk))
    client.logout()
    assert me(client, raw).status_code == 401


def test_an_agent_cannot_revoke_anothers_token(client, centre, clock):
    raw = create("agent2")
    token = ApiToken.objects.get()
    client.force_login(centre["agent1"])
    response = client.post(f"/accounts/me/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert ApiToken.objects.get().revoked_at is None
    assert not revocations().exists()
    client.logout()
    assert me(client, raw).status_code == 200


def test_an_admin_revokes_anyones_token_on_the_page_and_in_the_admin(client, centre, clock):
    create("agent1")
    create("agent2")
    first, second = ApiToken.objects.order_by("pk")
    client.force_login(centre["admin"])
    assert client.post(f"/accounts/me/tokens/{first.pk}/revoke/").status_code == 302
    response = client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [second.pk]}
    )
    assert response.status_code == 302
    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()
    assert list(revocations().values_list("actor_label", flat=True)) == ["admin", "admin"]


def test_revoke_needs_a_post_and_a_real_token(client, centre, clock):
    create("agent1")
    token = ApiToken.objects.get()
    client.force_login(centre["agent1"])
    assert client.get(f"/accounts/me/tokens/{token.pk}/revoke/").status_code == 405
    assert client.post("/accounts/me/tokens/999999/revoke/").status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_a_token_made_for_an_inactive_user_or_with_a_long_name_is_refused(centre, now):
    with pytest.raises(CommandError, match="at most 100"):
        create("agent1", "--name", "n" * 101)
    user = centre["agent1"]
    user.is_active = False
    user.save()
    with pytest.raises(CommandError, match="inactive"):
        create("agent1")
    assert not ApiToken.objects.exists()


@override_settings(HOTLINE_TOKEN_FAILURES_PER_ADDRESS=3)
def test_a_flood_of_bad_tokens_locks_the_address_out(client, centre, clock):
    good = api_token_create(actor=None, now=clock.now, user=centre["agent1"])[1]
    for attempt in range(3):
        assert me(client, f"hl_guess{attempt}").status_code == 401
    locked = Event.objects.get(entity="accounts.signin", action="locked")
    assert locked.new is not None
    assert (locked.entity_id, locked.new["scope"]) == ("10.0.0.1", "token")
    response = me(client, good)
    assert response.status_code == 401
    assert response.json() == {"detail": NOT_SIGNED_IN}
    assert me(client, good, address="10.0.0.2").status_code == 200
    clock.advance(minutes=15)
    assert me(client, good).status_code == 200


def test_only_an_admin_is_shown_the_server_command_that_makes_tokens(client, in_english):
    client.force_login(in_english["agent1"])
    page = client.get("/accounts/me/").content.decode()
    assert "hotline token create" not in page
    assert "An administrator gives API tokens" in page
    client.force_login(in_english["admin"])
    assert "hotline token create" in client.get("/accounts/me/").content.decode()
