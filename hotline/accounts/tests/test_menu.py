"""The top menu as each role gets it: grouped so the longest menus keep to one row, and every
page of the role still reachable from it."""

import pytest
from django.urls import reverse

from hotline.accounts.choices import Role
from hotline.accounts.navigation import (
    ACCOUNT_PAGE,
    MenuGroup,
    MenuItem,
    menu_entries_for,
    menu_for,
)


def flattened(role: str) -> list[str]:
    names: list[str] = []
    for entry in menu_entries_for(role):
        if isinstance(entry, MenuGroup):
            names += [item.url_name for item in entry.items]
        else:
            names.append(entry.url_name)
    return names


@pytest.mark.parametrize("role", Role.values)
def test_every_page_of_the_role_is_in_the_bar_once(role):
    expected = [item.url_name for item in menu_for(role) if item.url_name != ACCOUNT_PAGE]
    assert flattened(role) == expected


def test_the_centre_pages_are_one_drop_down_for_an_admin():
    groups = [entry for entry in menu_entries_for(Role.ADMIN) if isinstance(entry, MenuGroup)]
    assert [[item.url_name for item in group.items] for group in groups] == [
        [
            "reports:index",
            "workforce:leave",
            "rulebook:list",
            "audit:list",
            "setup:index",
            "imports:index",
            "admin:index",
        ]
    ]


@pytest.mark.parametrize(
    ("role", "in_sight"),
    [(Role.PROVIDER, ["reports:index"]), (Role.AGENT, ["workforce:leave", "rulebook:list"])],
)
def test_one_or_two_centre_pages_stay_in_sight(role, in_sight):
    entries = menu_entries_for(role)
    assert not any(isinstance(entry, MenuGroup) for entry in entries)
    names = [entry.url_name for entry in entries if isinstance(entry, MenuItem)]
    assert set(in_sight) <= set(names)


def test_the_team_leads_three_centre_pages_are_grouped():
    groups = [entry for entry in menu_entries_for(Role.TEAM_LEAD) if isinstance(entry, MenuGroup)]
    assert [item.url_name for item in groups[0].items] == [
        "reports:index",
        "workforce:leave",
        "rulebook:list",
    ]


@pytest.mark.django_db
def test_my_account_is_the_users_name_in_the_bar(client, centre):
    client.force_login(centre["lead"])
    profile = reverse("accounts:profile")
    page = client.get("/").content.decode()
    nav = page[page.index('<nav class="menu"') : page.index("</nav>")]
    assert f'href="{profile}"' not in nav
    who = page[page.index('<div class="who">') :]
    assert f'href="{profile}"' in who
    assert str(centre["lead"]) in who
