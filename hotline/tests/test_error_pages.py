"""A wrong address or a server error is a page of the site in the reader's language, not
Django's bare text."""

import pytest
from django.utils import translation
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_an_unknown_address_is_the_sites_page_in_the_readers_language(client, centre):
    user = centre["agent1"]
    user.language = "bg"
    user.save(update_fields=["language"])
    client.force_login(user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    with translation.override("bg"):
        assert translation.gettext("Page not found") in page
    assert 'class="topbar"' in page
    assert 'lang="bg"' in page
    assert "Page not found" not in page


def test_a_server_error_is_a_plain_page_of_the_site_in_the_readers_language(rf):
    """Django draws 500.html without the site's context: the words still follow the language
    the request chose."""
    with translation.override("ru"):
        response = server_error(rf.get("/"))
        expected = translation.gettext("Something went wrong on our side")
    assert response.status_code == 500
    page = response.content.decode()
    assert expected in page
    assert expected != "Something went wrong on our side"
    assert 'class="topbar"' in page
    assert 'lang="ru"' in page
