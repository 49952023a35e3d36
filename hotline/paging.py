"""Page numbers of the lists, for pages and the API alike.

A page number far past the end must not reach the database: page times page size overflowed
its 64-bit OFFSET (a server error). No list has anywhere near 2**31 - 1 pages.
"""

from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import P, QueryEx

MAX_PAGE = 2**31 - 1

Row = TypeVar("Row")

# The `page` query parameter of a paged API operation: 1 to MAX_PAGE, else 422.
PageNumber = QueryEx[int, P(ge=1, le=MAX_PAGE)]


def page_number(request: HttpRequest) -> int:
    """The `page` a list page asks for: 1 when missing or unreadable, at most MAX_PAGE."""
    try:
        return min(max(int(request.GET.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        return 1


def page_of(rows: QuerySet[Any, Row], page: int, size: int) -> tuple[list[Row], bool]:
    """One page of an ordered queryset, and whether another follows (one row more is read to
    tell, rather than counting them all)."""
    start = (max(page, 1) - 1) * size
    found = list(rows[start : start + size + 1])
    return found[:size], len(found) > size
