"""No 404 for /favicon.ico in every session's console: the pages name Hotline's own icon."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _icon_of(page: str) -> str:
    found = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_the_sign_in_page_and_a_signed_in_page_name_an_icon_that_is_served(client, centre):
    icons = {_icon_of(client.get("/accounts/login/").content.decode())}
    client.force_login(centre["agent1"])
    icons.add(_icon_of(client.get("/").content.decode()))
    assert len(icons) == 1
    icon = client.get(icons.pop())
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)
