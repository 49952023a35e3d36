"""A page number far past the end of a list is an empty page, never a server error: page times
page size once overflowed the database's OFFSET."""

import pytest
from django.test import Client

from hotline.paging import MAX_PAGE, page_of
from hotline.rulebook.models import Calendar

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


@pytest.mark.django_db
def test_page_of_reads_one_page_and_whether_another_follows(django_assert_num_queries):
    names = [f"calendar {n}" for n in range(5)]
    Calendar.objects.bulk_create(Calendar(name=name, time_zone="UTC") for name in names)
    ordered = (
        Calendar.objects.filter(name__in=names).order_by("name").values_list("name", flat=True)
    )
    with django_assert_num_queries(1):
        assert page_of(ordered, 1, 2) == (names[:2], True)
    assert page_of(ordered, 3, 2) == (names[4:], False)
    assert page_of(ordered, 0, 2) == page_of(ordered, 1, 2)  # below 1 is the first page
