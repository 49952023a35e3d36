"""The screen pop's open cases: the cases app (a higher layer) registers where they come from in
its AppConfig.ready(), so the floor shows a caller's cases without importing the cases app."""

from collections.abc import Callable
from dataclasses import dataclass

from hotline.directory.models import Customer


@dataclass(frozen=True)
class OpenCase:
    id: int
    number: str
    state: str
    summary: str


OpenCasesSource = Callable[[Customer, int], list[OpenCase]]
_sources: list[OpenCasesSource] = []


def open_cases_source(source: OpenCasesSource) -> None:
    """Register a function giving a customer's open cases, at most `limit`, newest first."""
    if source not in _sources:
        _sources.append(source)


def open_cases(customer: Customer, limit: int) -> list[OpenCase]:
    found = [case for source in _sources for case in source(customer, limit)]
    return found[:limit]
