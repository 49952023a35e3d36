"""`hotline demo` seeds the believable centre the README promises, once."""

import os
from io import StringIO

import pytest
from django.core.mail import send_mail
from django.core.management import call_command

from hotline.accounts.choices import Role
from hotline.accounts.models import Team, User
from hotline.directory.choices import Zone
from hotline.directory.models import Customer, CustomerSite, Provider, Region, SlaContract
from hotline.management.commands.demo import demo_email_outbox, demo_public_url

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = StringIO()
    call_command("demo", no_serve=True, stdout=out)
    return out.getvalue()


def test_demo_seeds_the_centre_of_the_readme():
    output = run_demo()
    assert Team.objects.count() == 2
    assert User.objects.filter(role=Role.AGENT).count() == 8
    for role in (Role.TEAM_LEAD, Role.MANAGER, Role.DISPATCHER, Role.ADMIN):
        assert User.objects.filter(role=role).count() == 1
    assert Provider.objects.count() == 3
    assert Region.objects.count() == 3
    assert {p.regions.get().code for p in Provider.objects.all()} == {"sofia", "plovdiv", "varna"}
    assert Customer.objects.count() == 20
    assert set(CustomerSite.objects.values_list("zone", flat=True)) == set(Zone.values)
    assert SlaContract.objects.filter(customer__isnull=True).exists()
    assert CustomerSite.objects.filter(business_premises=True).exists()
    assert "http://127.0.0.1:8000/" in output
    assert "hotline-demo" in output
    assert "agent1" in output
    assert "customer1" in output


def test_demo_agents_work_in_every_language_of_the_centre():
    run_demo()
    languages = set(User.objects.filter(role=Role.AGENT).values_list("language", flat=True))
    assert languages == {"en", "ru", "es", "fr", "zh-hans", "bg"}


def test_demo_twice_changes_nothing():
    run_demo()
    counts = (User.objects.count(), Customer.objects.count(), Provider.objects.count())
    run_demo()
    assert (User.objects.count(), Customer.objects.count(), Provider.objects.count()) == counts


def test_demo_users_sign_in_with_the_printed_password(client):
    run_demo()
    for username in ("agent1", "lead", "manager", "dispatcher", "provider1", "customer1", "admin"):
        assert client.login(username=username, password="hotline-demo"), username
        assert client.get("/").status_code == 200
        client.logout()


def test_demo_has_calls_to_review_and_reviews_to_read():
    from hotline.calls.models import Call, CallReview

    run_demo()
    assert CallReview.objects.count() == 4
    assert CallReview.objects.filter(conduct_breach=True).count() == 1  # B11
    waiting = Call.objects.filter(agent__team__name="Repairs", review__isnull=True)
    assert waiting.count() == 3  # for the team lead to try
    run_demo()
    assert CallReview.objects.count() == 4  # once


def unset(monkeypatch, *names: str) -> None:
    """Unset for the test, and unset again after it whatever the demo set meanwhile."""
    for name in names:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


def test_demo_without_smtp_writes_its_emails_to_the_outbox(settings, monkeypatch, tmp_path):
    unset(monkeypatch, "HOTLINE_SMTP_HOST", "HOTLINE_EMAIL_OUTBOX")
    settings.HOTLINE_EMAIL_OUTBOX, settings.VAR_DIR = "", tmp_path
    outbox = demo_email_outbox()
    assert outbox == str(tmp_path / "outbox") == os.environ["HOTLINE_EMAIL_OUTBOX"]  # the worker's
    send_mail("Visit", "Tomorrow 9:00", None, ["customer@example.com"])
    (written,) = (tmp_path / "outbox").iterdir()
    assert "Tomorrow 9:00" in written.read_text()


def test_demo_with_an_smtp_server_sends_through_it(settings, monkeypatch):
    unset(monkeypatch, "HOTLINE_EMAIL_OUTBOX")
    monkeypatch.setenv("HOTLINE_SMTP_HOST", "mail.example.com")
    settings.HOTLINE_EMAIL_OUTBOX = ""
    smtp = settings.EMAIL_BACKEND
    assert demo_email_outbox() == ""
    assert smtp == settings.EMAIL_BACKEND


def test_demo_links_point_at_the_demo_unless_an_address_is_set(settings, monkeypatch):
    monkeypatch.delenv("HOTLINE_PUBLIC_URL", raising=False)
    settings.HOTLINE_PUBLIC_URL = "http://127.0.0.1:8000"
    demo_public_url("http://127.0.0.1:8123/")
    assert (
        settings.HOTLINE_PUBLIC_URL == "http://127.0.0.1:8123" == os.environ["HOTLINE_PUBLIC_URL"]
    )
    monkeypatch.setenv("HOTLINE_PUBLIC_URL", "https://hotline.example.com")
    settings.HOTLINE_PUBLIC_URL = "https://hotline.example.com"
    demo_public_url("http://127.0.0.1:8123/")
    assert settings.HOTLINE_PUBLIC_URL == "https://hotline.example.com"
