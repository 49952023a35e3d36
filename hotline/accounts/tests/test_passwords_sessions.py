"""Password change and reset by e-mail (a notice), and the idle session timeout."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import translation

from hotline.accounts.models import User
from hotline.audit.models import Event
from hotline.notices.models import Notice
from hotline.notices.outbox import notice_deliver
from hotline.testing.reference_centre import PASSWORD as DEMO_PASSWORD

pytestmark = pytest.mark.django_db

NEW = "a-fresh-long-pass-2026"


def signs_in(client, username, password):
    client.logout()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302


def password_events(action):
    return Event.objects.filter(entity="accounts.user", action=action)


def test_a_signed_in_user_changes_their_password(client, centre, clock):
    client.force_login(centre["agent1"])
    response = client.post(
        "/accounts/me/password/",
        {"old_password": DEMO_PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/me/"
    assert client.get("/accounts/me/").status_code == 200  # still signed in
    event = password_events("password_changed").get()
    assert (event.actor_label, event.old, event.new) == ("agent1", None, None)
    assert signs_in(client, "agent1", NEW)
    assert not signs_in(client, "agent1", DEMO_PASSWORD)


@pytest.mark.parametrize(
    ("old", "new1", "new2"),
    [
        ("wrong", NEW, NEW),
        (DEMO_PASSWORD, NEW, NEW + "x"),
        (DEMO_PASSWORD, "short", "short"),
        (DEMO_PASSWORD, "password", "password"),
        (DEMO_PASSWORD, "", ""),
    ],
)
def test_a_bad_password_change_is_refused_and_changes_nothing(client, centre, old, new1, new2):
    client.force_login(centre["agent1"])
    response = client.post(
        "/accounts/me/password/",
        {"old_password": old, "new_password1": new1, "new_password2": new2},
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not password_events("password_changed").exists()
    assert User.objects.get(username="agent1").check_password(DEMO_PASSWORD)


def test_the_password_page_needs_a_signed_in_user(client, centre):
    response = client.get("/accounts/me/password/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def reset_link(notice) -> str:
    link = re.search(r"https?://\S+/accounts/password-reset/\S+/", notice.body)
    assert link is not None, "the notice carries no reset link"
    return link.group(0)


def test_a_reset_by_email_goes_as_a_notice_and_sets_a_new_password(client, centre, clock):
    agent = centre["agent2"]  # works in Russian
    response = client.post("/accounts/password-reset/", {"email": agent.email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    notice = Notice.objects.get(user=agent)
    assert (notice.channel, notice.address, notice.language) == ("email", agent.email, "ru")
    notice_deliver(now=clock.now, notice_id=notice.pk)  # the worker's task
    assert mail.outbox[-1].to == [agent.email]
    link = reset_link(notice)
    assert link in mail.outbox[-1].body

    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path, follow=True)
    assert form.context["validlink"] is True
    set_password = form.redirect_chain[-1][0]
    done = client.post(set_password, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert done["Location"] == "/accounts/login/"
    assert password_events("password_reset").get().actor_label == "agent2"
    assert signs_in(client, "agent2", NEW)
    # The link works once.
    client.logout()
    again = client.get("/" + path, follow=True)
    assert again.context["validlink"] is False


def test_a_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, centre):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert not Notice.objects.exists()


def test_reset_mails_to_one_address_are_limited(client, centre, clock):
    email = centre["agent1"].email
    for _ in range(7):
        response = client.post("/accounts/password-reset/", {"email": email.upper()})
        assert response["Location"] == "/accounts/password-reset/sent/"
    assert Notice.objects.filter(user=centre["agent1"]).count() == 5  # the per-user limit
    clock.advance(minutes=15)
    client.post("/accounts/password-reset/", {"email": email})
    assert Notice.objects.filter(user=centre["agent1"]).count() == 6


@pytest.mark.parametrize("email", ["", "not an address", "a" * 300 + "@example.com"])
def test_a_reset_with_a_bad_address_is_refused(client, centre, email):
    response = client.post("/accounts/password-reset/", {"email": email})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not Notice.objects.exists()


def test_a_made_up_reset_link_is_refused(client, centre):
    page = client.get("/accounts/password-reset/MQ/made-up-token/")
    assert page.status_code == 200
    assert page.context["validlink"] is False
    assert not password_events("password_reset").exists()


def test_an_idle_session_ends(client, centre, wall):
    client.force_login(centre["agent1"])
    assert client.session["hotline_last_seen"] == wall.now.timestamp()  # from sign-in on
    assert client.get("/accounts/me/").status_code == 200
    wall.advance(minutes=30, seconds=1)
    response = client.get("/accounts/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    with translation.override("bg"):  # agent1 works in Bulgarian
        said = translation.gettext("You were signed out after a while without activity.")
    assert said in client.get(response["Location"]).content.decode()


def test_an_idle_session_is_the_apis_401(client, centre, wall):
    client.force_login(centre["agent1"])
    assert client.get("/api/v1/me").status_code == 200
    wall.advance(minutes=31)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    with translation.override("bg"):  # agent1 works in Bulgarian
        expected = translation.gettext(
            "Send a valid API token (Authorization: Bearer ...) or sign in first."
        )
    assert response.json() == {"detail": expected}


def test_activity_keeps_the_session_alive(client, centre, wall):
    client.force_login(centre["agent1"])
    for _ in range(4):  # two hours, never idle for 30 minutes
        assert client.get("/api/v1/me").status_code == 200
        wall.advance(minutes=29)
    assert client.get("/accounts/me/").status_code == 200
    assert client.session.get_expiry_age() == 30 * 60


@override_settings(HOTLINE_SESSION_IDLE_MINUTES=5)
def test_the_idle_time_is_a_setting(client, centre, wall):
    client.force_login(centre["agent1"])
    assert client.get("/accounts/me/").status_code == 200
    wall.advance(minutes=4)
    assert client.get("/accounts/me/").status_code == 200
    wall.advance(minutes=5, seconds=1)
    assert client.get("/accounts/me/").status_code == 302
