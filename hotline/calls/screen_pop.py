"""The screen pop: who is calling, their sites and equipment, their open cases and last
contacts, on the desk while the call rings and while it is answered.

The cases come from the cases app (a higher layer), which registers in its AppConfig.ready()
where they come from: a customer's open cases, and the cases made from (or linked to) calls. So
the floor shows them without importing the cases app."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from hotline.calls.models import Call
from hotline.directory.models import Customer, CustomerSite, Equipment


@dataclass(frozen=True)
class OpenCase:
    id: int
    number: str
    state: str
    summary: str
    state_label: str = ""  # the state in the reader's language (pages); `state` is the code
    owner_id: int | None = None  # D11: an agent opens only their own cases' pages


OpenCasesSource = Callable[[Customer, int], list[OpenCase]]
_sources: list[OpenCasesSource] = []

# (call ids) -> the cases made from or linked to each call, by call id
CallCasesSource = Callable[[list[int]], dict[int, list[OpenCase]]]
_call_case_sources: list[CallCasesSource] = []


def open_cases_source(source: OpenCasesSource) -> None:
    """Register a function giving a customer's open cases, at most `limit`, newest first."""
    if source not in _sources:
        _sources.append(source)


def open_cases(customer: Customer, limit: int) -> list[OpenCase]:
    found = [case for source in _sources for case in source(customer, limit)]
    return found[:limit]


def call_cases_source(source: CallCasesSource) -> None:
    """Register a function giving the cases made from or linked to calls, by call id."""
    if source not in _call_case_sources:
        _call_case_sources.append(source)


def call_cases(call_ids: Iterable[int]) -> dict[int, list[OpenCase]]:
    ids = list(call_ids)
    found: dict[int, list[OpenCase]] = {call_id: [] for call_id in ids}
    for source in _call_case_sources:
        for call_id, cases in source(ids).items():
            found.setdefault(call_id, []).extend(cases)
    return found


# How much the pop shows: enough to recognise the caller, never a whole account.
POP_SITES = 5
POP_EQUIPMENT = 5
POP_CASES = 5
POP_CONTACTS = 5


@dataclass(frozen=True)
class PopSite:
    site: CustomerSite
    equipment: list[Equipment]


@dataclass(frozen=True)
class Contact:
    """An earlier call of the same caller: when, who took it, how it ended, its cases."""

    call_id: int
    at: datetime
    agent: str
    wrap_up: str  # the wrap-up code's label, or ""
    note: str
    cases: list[OpenCase]


@dataclass(frozen=True)
class ScreenPop:
    number: str
    customer: Customer | None
    sites: list[PopSite] = field(default_factory=list)
    open_cases: list[OpenCase] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    this_call_cases: list[OpenCase] = field(default_factory=list)

    @property
    def this_call_case_ids(self) -> set[int]:
        """The cases the call already opened or is linked to (nothing more to link)."""
        return {case.id for case in self.this_call_cases}


def screen_pop(*, number: str, customer: Customer | None, call_id: int | None) -> ScreenPop:
    """What the desk shows of the caller. Without a customer (an unknown or shared number) only
    the earlier calls of that number nobody's account was recognised on: nothing of anyone's
    account is shown to a caller who may not be its holder."""
    earlier = Call.objects.filter(answered_at__isnull=False)
    if call_id is not None:
        earlier = earlier.exclude(pk=call_id)
    if customer is not None:
        earlier = earlier.filter(customer=customer)
    elif number:
        earlier = earlier.filter(caller_number=number, customer__isnull=True)
    else:
        earlier = earlier.none()
    recent = list(earlier.select_related("agent").order_by("-answered_at", "-id")[:POP_CONTACTS])
    cases = call_cases([c.pk for c in recent] + ([call_id] if call_id else []))
    contacts = [
        Contact(
            call_id=c.pk,
            at=c.answered_at,
            agent=str(c.agent) if c.agent else "",
            wrap_up=c.get_wrap_up_code_display() if c.wrap_up_code else "",
            note=c.wrap_up_note,
            cases=cases.get(c.pk, []),
        )
        for c in recent
        if c.answered_at is not None
    ]
    if customer is None:
        return ScreenPop(number=number, customer=None, contacts=contacts)
    sites = [
        PopSite(site, list(site.equipment.order_by("id")[:POP_EQUIPMENT]))
        for site in customer.sites.select_related("region").order_by("id")[:POP_SITES]
    ]
    return ScreenPop(
        number=number,
        customer=customer,
        sites=sites,
        open_cases=open_cases(customer, POP_CASES),
        contacts=contacts,
        this_call_cases=cases.get(call_id, []) if call_id else [],
    )
