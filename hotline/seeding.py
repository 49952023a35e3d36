"""Building a centre from tables: its calendar, teams and queues, providers by region, customers
with a site and an appliance each, its people and its case catalogue.

Two centres are built this way and each owns its tables: the live demo's (`hotline.demo_data`),
which may grow for the show, and the tests' reference centre (`hotline.testing.reference_centre`),
which the tests' expectations are written against and which changes only with them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from hotline.accounts.choices import Role
from hotline.accounts.models import Site, Team, User
from hotline.calls.models import Queue
from hotline.core.i18n import gettext_noop
from hotline.directory.choices import ApplianceKind, Zone
from hotline.directory.models import (
    Customer,
    CustomerSite,
    Equipment,
    Provider,
    Region,
    SlaContract,
)
from hotline.rulebook.models import Calendar, Holiday
from hotline.tickets.choices import TicketKind
from hotline.tickets.models import EscalationRule, FaultCategory

# What every new centre starts with and may change: Bulgaria's public holidays around today,
# the fault categories agents script their first questions with, the appliances customers own.

BULGARIAN_HOLIDAYS = [
    (date(2026, 12, 24), "Christmas Eve"),
    (date(2026, 12, 25), "Christmas Day"),
    (date(2026, 12, 26), "Second day of Christmas"),
    (date(2027, 1, 1), "New Year's Day"),
    (date(2027, 3, 3), "Liberation Day"),
    (date(2027, 5, 1), "Labour Day"),
    (date(2027, 5, 6), "St George's Day"),
    (date(2027, 5, 24), "Culture and Literacy Day"),
]

# Fault categories with the scripted first steps an agent walks through (rule E4). The texts
# are msgids: pages show them in the agent's language.
STARTER_FAULT_CATEGORIES = [
    (
        "no-power",
        gettext_noop("Does not switch on"),
        [
            gettext_noop("Check that the plug is in and the socket works (try a lamp)."),
            gettext_noop("Check the fuse or circuit breaker of that socket."),
            gettext_noop("Unplug for one minute, plug in again and switch on."),
        ],
    ),
    (
        "not-cooling",
        gettext_noop("Not cooling or heating"),
        [
            gettext_noop("Check the thermostat setting and the mode."),
            gettext_noop("Check that the vents are free and the door closes tightly."),
            gettext_noop("Read any error code on the display."),
        ],
    ),
    (
        "leaking",
        gettext_noop("Leaking water"),
        [
            gettext_noop("Switch the appliance off and close the water supply."),
            gettext_noop("Check the drain hose and the filter for blockages."),
        ],
    ),
    (
        "noise",
        gettext_noop("Unusual noise or vibration"),
        [
            gettext_noop("Check that the appliance stands level and nothing touches it."),
            gettext_noop("Remove transport bolts or loose objects inside."),
        ],
    ),
    (
        "error-code",
        gettext_noop("Error code on the display"),
        [
            gettext_noop("Write down the exact error code."),
            gettext_noop("Restart the appliance and see whether the code comes back."),
        ],
    ),
]

# appliance, model prefix
STARTER_APPLIANCES = [
    (ApplianceKind.WASHING_MACHINE, "WM"),
    (ApplianceKind.REFRIGERATOR, "RF"),
    (ApplianceKind.AIR_CONDITIONER, "AC"),
    (ApplianceKind.DISHWASHER, "DW"),
    (ApplianceKind.BOILER, "BL"),
]


@dataclass(frozen=True)
class Person:
    username: str
    role: Role
    first_name: str
    last_name: str
    language: str
    team: str = ""  # a team's key in CentreData.teams


@dataclass(frozen=True)
class CentreData:
    """Everything a centre starts with. Customers get sites round-robin over the regions and
    zones, an appliance from `appliances`, and a business contract when their name starts with
    one of `business_words`; the first customer has a portal account (`customer1`), every
    provider a desk (`provider1`, `provider2`, ...)."""

    calendar: str
    time_zone: str
    holidays: Sequence[tuple[date, str]]
    site: str
    teams: Sequence[tuple[str, str, str, str]]  # key, team name, queue code, queue name
    regions: Sequence[tuple[str, str]]  # code, name
    # name, region code, capacity, channel, e-mail, phone
    providers: Sequence[tuple[str, str, int, str, str, str]]
    provider_language: str
    streets: dict[str, list[str]]  # region code: streets
    customer_names: Sequence[str]
    customer_language: str
    business_words: Sequence[str]
    zones: Sequence[Zone]
    appliances: Sequence[tuple[str, str]]  # appliance, model prefix
    people: Sequence[Person]  # staff, made before the providers' desks and customer1
    technical_accounts: Sequence[Person]  # the administrator and the PBX, made last
    # code, name, scripted first steps (E4)
    fault_categories: Sequence[tuple[str, str, Sequence[str]]]
    engineer: str  # D9: the username of every region's after-sales engineer


def seed_centre(data: CentreData, password: str) -> None:
    """Create the centre `data` describes; everyone signs in with `password`."""
    teams = _seed_organisation(data)
    providers = _seed_providers(data)
    customers = _seed_customers(data)
    _seed_people(data, teams, providers, customers[0], password)
    Region.objects.update(engineer=User.objects.get(username=data.engineer))
    _seed_case_catalogue(data)


def _seed_organisation(data: CentreData) -> dict[str, Team]:
    calendar = Calendar.objects.create(
        name=data.calendar, time_zone=data.time_zone, working_days=[0, 1, 2, 3, 4]
    )
    Holiday.objects.bulk_create(
        Holiday(calendar=calendar, day=day, name=name) for day, name in data.holidays
    )
    site = Site.objects.create(name=data.site, calendar=calendar)
    teams = {}
    for key, name, queue_code, queue_name in data.teams:
        teams[key] = Team.objects.create(name=name, site=site)
        Queue.objects.create(code=queue_code, name=queue_name, team=teams[key])
    return teams


def _seed_providers(data: CentreData) -> list[Provider]:
    regions = {code: Region.objects.create(code=code, name=name) for code, name in data.regions}
    providers = []
    for name, region, capacity, channel, email, phone in data.providers:
        provider = Provider.objects.create(
            name=name,
            capacity=capacity,
            channel=channel,
            email=email,
            phone=phone,
            language=data.provider_language,
        )
        provider.regions.add(regions[region])
        providers.append(provider)
    return providers


def _seed_customers(data: CentreData) -> list[Customer]:
    standard = SlaContract.objects.create(
        name="Standard warranty",
        order=1000,
        priority=5,
        response_within=timedelta(hours=24),
        resolution_within=timedelta(hours=72),
        on_site=True,
        covered_services=["repair", "installation", "commissioning"],
    )
    regions = list(Region.objects.order_by("code"))
    customers = []
    for number, name in enumerate(data.customer_names):
        business = name.split()[0] in data.business_words
        customer = Customer.objects.create(
            name=name,
            phone=f"+359 88 {1000000 + number * 7919:07d}",
            email=f"customer{number + 1}@example.com",
            language=data.customer_language,
            time_zone=data.time_zone,
        )
        region = regions[number % len(regions)]
        streets = data.streets[region.code]
        site = CustomerSite.objects.create(
            customer=customer,
            address=f"{10 + number} {streets[number % len(streets)]}, {region.name}",
            region=region,
            zone=data.zones[number % len(data.zones)],
            business_premises=business,
        )
        kind, prefix = data.appliances[number % len(data.appliances)]
        Equipment.objects.create(
            site=site,
            kind=kind,
            model=f"{prefix}-{200 + number * 13}",
            serial=f"SN{870000 + number}",
        )
        if business:
            SlaContract.objects.create(
                customer=customer,
                name="Business priority",
                order=10,
                priority=1,
                response_within=timedelta(hours=4),
                resolution_within=timedelta(hours=24),
                on_site=True,
                covered_services=standard.covered_services,
            )
        customers.append(customer)
    return customers


def _user(password: str, username: str, role: Role, first: str, last: str, **extra: object) -> User:
    user = User(
        username=username,
        role=role,
        first_name=first,
        last_name=last,
        email=f"{username}@hotline.example",
        **extra,
    )
    user.set_password(password)
    user.save()
    return user


def _seed_people(
    data: CentreData,
    teams: dict[str, Team],
    providers: list[Provider],
    customer: Customer,
    password: str,
) -> None:
    for person in data.people:
        _person(password, person, teams)
    for number, provider in enumerate(providers, start=1):
        _user(
            password,
            f"provider{number}",
            Role.PROVIDER,
            "Desk",
            provider.name,
            provider=provider,
            language=data.provider_language,
        )
    _user(
        password,
        "customer1",
        Role.CUSTOMER,
        *customer.name.split(" ", 1),
        customer=customer,
        language=data.customer_language,
    )
    for person in data.technical_accounts:
        _person(password, person, teams)


def _person(password: str, person: Person, teams: dict[str, Team]) -> User:
    extra: dict[str, object] = {"language": person.language}
    if person.team:
        extra["team"] = teams[person.team]
    if person.role == Role.ADMIN:
        extra |= {"is_staff": True, "is_superuser": True}
    return _user(
        password, person.username, person.role, person.first_name, person.last_name, **extra
    )


def _seed_case_catalogue(data: CentreData) -> None:
    for code, name, steps in data.fault_categories:
        FaultCategory.objects.create(code=code, name=name, steps=list(steps))
    # A6: escalation as configuration, not code.
    EscalationRule.objects.create(
        name="Complaint open a day: to the manager",
        kind=TicketKind.COMPLAINT,
        open_for=timedelta(hours=24),
        level=2,
        notify_role=Role.MANAGER,
    )
    EscalationRule.objects.create(
        name="Repair open three days: to the team lead",
        kind=TicketKind.REPAIR,
        open_for=timedelta(hours=72),
        level=1,
        notify_role=Role.TEAM_LEAD,
    )
