"""The notices page and API: each user sees their own; dispatchers log phone calls and faxes."""

import pytest
from django.urls import reverse

from hotline.accounts.choices import Role
from hotline.accounts.models import User
from hotline.directory.models import Customer, Provider
from hotline.notices.choices import NoticeState
from hotline.notices.models import Notice
from hotline.notices.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(now, centre):
    """One notice for each kind of recipient, with subjects naming who they are for."""
    me = centre["customer1"].customer
    other = Customer.objects.exclude(pk=me.pk).order_by("id").first()
    provider1 = centre["provider1"].provider
    provider2 = centre["provider2"].provider
    Provider.objects.filter(pk=provider2.pk).update(channel="phone")
    provider2.refresh_from_db()

    def note(subject, **recipient):
        return notify(now=now, rule="C3", subject=subject, body=f"Body of {subject}", **recipient)

    return {
        "mine": note("For customer one", customer=me),
        "other": note("For another customer", customer=other),
        "provider1": note("For provider one", provider=provider1),
        "by_phone": note("Call provider two", provider=provider2),
        "agent": note("For agent two", user=centre["agent2"]),
        "other_customer": other,
    }


def page_of(client, user):
    client.force_login(user)
    response = client.get(reverse("notices:list"))
    assert response.status_code == 200
    return response.content.decode()


def test_c3_customer_sees_their_own_notices_only(client, centre, sent):
    page = page_of(client, centre["customer1"])
    assert "For customer one" in page
    for subject in ("For another customer", "For provider one", "Call provider two", "agent two"):
        assert subject not in page
    assert "To make by hand" not in page


def test_c3_another_customer_never_sees_the_first_ones(client, centre, sent):
    other = User.objects.create(
        username="customer2", role=Role.CUSTOMER, customer=sent["other_customer"]
    )
    page = page_of(client, other)
    assert "For another customer" in page
    assert "For customer one" not in page


def test_d3_provider_sees_its_own_notices_and_none_of_the_customers(client, centre, sent):
    page = page_of(client, centre["provider1"])
    assert "For provider one" in page
    for subject in ("For customer one", "For another customer", "Call provider two"):
        assert subject not in page


def test_staff_see_the_notices_to_them(client, centre, sent):
    page = page_of(client, centre["agent2"])
    assert "For agent two" in page
    assert "For customer one" not in page
    assert "Call provider two" not in page  # agents make no provider calls
    assert "For agent two" not in page_of(client, centre["agent1"])


def test_d3_dispatcher_sees_the_calls_to_make_and_marks_one_logged(client, centre, sent):
    page = page_of(client, centre["dispatcher"])
    assert "Call provider two" in page
    assert reverse("notices:logged", args=[sent["by_phone"].pk]) in page
    assert "For customer one" not in page
    response = client.post(reverse("notices:logged", args=[sent["by_phone"].pk]), follow=True)
    assert response.status_code == 200
    sent["by_phone"].refresh_from_db()
    assert sent["by_phone"].state == NoticeState.SENT
    assert reverse("notices:logged", args=[sent["by_phone"].pk]) not in response.content.decode()


def test_d3_logging_twice_shows_the_rule(client, centre, sent):
    client.force_login(centre["lead"])
    url = reverse("notices:logged", args=[sent["by_phone"].pk])
    client.post(url)
    page = client.post(url, follow=True).content.decode()
    assert "D3" in page


def test_d3_logging_a_notice_that_does_not_exist_is_404(client, centre):
    client.force_login(centre["dispatcher"])
    assert client.post(reverse("notices:logged", args=[999_999])).status_code == 404


@pytest.mark.parametrize("who", ["agent1", "manager", "provider2", "customer1"])
def test_d3_other_roles_cannot_log_a_notice(client, centre, sent, who):
    client.force_login(centre[who])
    response = client.post(reverse("notices:logged", args=[sent["by_phone"].pk]))
    assert response.status_code == 403
    sent["by_phone"].refresh_from_db()
    assert sent["by_phone"].state == NoticeState.TO_LOG


def test_a_bad_page_number_shows_the_first_page(client, centre, sent):
    client.force_login(centre["customer1"])
    response = client.get(reverse("notices:list") + "?page=abc")
    assert response.status_code == 200
    assert "For customer one" in response.content.decode()


# --- API -------------------------------------------------------------------------------------


def api_get(client, token, url="/api/v1/notices"):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def api_post(client, token, notice_id):
    return client.post(f"/api/v1/notices/{notice_id}/logged", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_api_customer_gets_their_own_notices(client, centre, sent, token_for):
    data = api_get(client, token_for(centre["customer1"])).json()
    assert [n["subject"] for n in data["notices"]] == ["For customer one"]
    assert data["to_log"] == []
    assert data["notices"][0]["language"] == "bg"


def test_api_provider_gets_none_of_the_customers(client, centre, sent, token_for):
    data = api_get(client, token_for(centre["provider1"])).json()
    assert [n["subject"] for n in data["notices"]] == ["For provider one"]


def test_api_dispatcher_gets_the_list_to_make_and_logs_one(client, centre, sent, token_for):
    token = token_for(centre["dispatcher"])
    data = api_get(client, token).json()
    assert [n["id"] for n in data["to_log"]] == [sent["by_phone"].pk]
    response = api_post(client, token, sent["by_phone"].pk)
    assert response.status_code == 200
    assert response.json()["state"] == "sent"
    again = api_post(client, token, sent["by_phone"].pk)
    assert again.status_code == 409
    assert again.json()["rule"] == "D3"


def test_api_logging_by_a_wrong_role_is_403_and_changes_nothing(client, centre, sent, token_for):
    response = api_post(client, token_for(centre["agent1"]), sent["by_phone"].pk)
    assert response.status_code == 403
    assert Notice.objects.get(pk=sent["by_phone"].pk).state == NoticeState.TO_LOG


def test_api_bad_input_is_refused(client, centre, sent, token_for):
    token = token_for(centre["dispatcher"])
    assert api_post(client, token, "abc").status_code in (404, 422)
    assert api_post(client, token, 999_999).status_code == 404
    assert api_get(client, token, "/api/v1/notices?page=abc").status_code == 422


def test_api_pbx_gets_no_notices(client, centre, token_for):
    assert api_get(client, token_for(centre["pbx"])).status_code == 403
