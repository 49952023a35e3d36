"""The shared previous / next links of paged lists (`templates/_pager.html`)."""

from django.template.loader import render_to_string


def test_pager_keeps_the_lists_other_parameters_on_both_links():
    html = render_to_string("_pager.html", {"page": 2, "has_next": True, "keep": "filter=late&"})
    assert 'href="?filter=late&amp;page=1"' in html
    assert 'href="?filter=late&amp;page=3"' in html


def test_pager_on_the_first_page_links_only_forward():
    html = render_to_string("_pager.html", {"page": 1, "has_next": True})
    assert 'href="?page=2"' in html
    assert "page=0" not in html


def test_pager_of_a_single_page_is_empty():
    assert render_to_string("_pager.html", {"page": 1, "has_next": False}).strip() == ""
