"""A page number far past the end of a list is an empty page, never a server error: page times
page size once overflowed the database's OFFSET."""

import pytest
from django.test import Client

from hotline.paging import MAX_PAGE

HUGE = str(2**62)

LIST_PAGES = [
    ("dispatcher", "/dispatch/"),
    ("provider1", "/provider/"),
    ("agent1", "/followup/"),
    ("agent1", "/notices/"),
    ("customer1", "/portal/"),
]


@pytest.mark.parametrize(("username", "url"), LIST_PAGES)
def test_a_page_past_the_end_is_empty_not_an_error(centre, username, url):
    client = Client()
    client.force_login(centre[username])
    for page in (HUGE, str(MAX_PAGE), "-5", "two"):
        assert client.get(url, {"page": page}).status_code == 200, page


def test_the_case_list_refuses_a_page_number_out_of_range(centre):
    client = Client()
    client.force_login(centre["agent1"])
    assert client.get("/tickets/", {"page": HUGE}).status_code == 400
    assert client.get("/tickets/", {"page": str(MAX_PAGE)}).status_code == 200


@pytest.mark.parametrize(
    ("username", "path", "parameter"),
    [
        ("agent1", "/api/v1/tickets", "page"),
        ("dispatcher", "/api/v1/dispatch/board", "page"),
        ("provider1", "/api/v1/provider/orders", "page"),
        ("agent1", "/api/v1/followups", "page"),
        ("dispatcher", "/api/v1/notices", "page"),
        ("customer1", "/api/v1/portal/cases", "page"),
        ("manager", "/api/v1/events", "offset"),
        ("manager", "/api/v1/events", "limit"),
    ],
)
def test_paged_lists_refuse_numbers_past_the_databases_offsets(
    client, centre, token_for, username, path, parameter
):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(centre[username])}"}
    response = client.get(path, {parameter: HUGE}, **auth)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", parameter]
    assert client.get(path, {parameter: MAX_PAGE}, **auth).status_code == 200
