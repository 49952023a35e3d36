"""Page numbers of the lists, for pages and the API alike.

A page number far past the end must not reach the database: page times page size overflowed
its 64-bit OFFSET (a server error). No list has anywhere near 2**31 - 1 pages.
"""

from django.http import HttpRequest
from ninja import P, QueryEx

MAX_PAGE = 2**31 - 1

# The `page` query parameter of a paged API operation: 1 to MAX_PAGE, else 422.
PageNumber = QueryEx[int, P(ge=1, le=MAX_PAGE)]


def page_number(request: HttpRequest) -> int:
    """The `page` a list page asks for: 1 when missing or unreadable, at most MAX_PAGE."""
    try:
        return min(max(int(request.GET.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        return 1
