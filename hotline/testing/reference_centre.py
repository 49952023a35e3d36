"""The tests' reference centre: the people, providers and customers every app's tests are written
against (agent1 answers, lead leads Repairs, provider1 serves Sofia, customer1 signs in...).

A copy of the demo's tables on purpose, not an import: the live demo may grow or change its people
and customers for the show, and the tests' expectations change only with these tables.
"""

from hotline.accounts.choices import Role
from hotline.directory.choices import Channel, Zone
from hotline.seeding import (
    BULGARIAN_HOLIDAYS,
    STARTER_APPLIANCES,
    STARTER_FAULT_CATEGORIES,
    CentreData,
    Person,
    seed_centre,
)

# The demo's word, so whoever tries both signs in to either the same way.
PASSWORD = "hotline-demo"

AGENTS = [
    Person("agent1", Role.AGENT, "Ivan", "Petrov", "bg", "repairs"),
    Person("agent2", Role.AGENT, "Maria", "Ivanova", "ru", "repairs"),
    Person("agent3", Role.AGENT, "Lucía", "García", "es", "repairs"),
    Person("agent4", Role.AGENT, "Camille", "Martin", "fr", "repairs"),
    Person("agent5", Role.AGENT, "Fang", "Wang", "zh-hans", "installations"),
    Person("agent6", Role.AGENT, "Georgi", "Dimitrov", "bg", "installations"),
    Person("agent7", Role.AGENT, "Elena", "Sokolova", "ru", "installations"),
    Person("agent8", Role.AGENT, "Tom", "Baker", "en", "installations"),
]

REGIONS = [("sofia", "Sofia"), ("plovdiv", "Plovdiv"), ("varna", "Varna")]

# name, region code, capacity, channel, e-mail, phone
PROVIDERS = [
    ("TechServ Sofia", "sofia", 40, Channel.PORTAL, "desk@techserv.example", "+359 2 555 0101"),
    (
        "Plovdiv Appliance Repairs",
        "plovdiv",
        25,
        Channel.EMAIL,
        "orders@plovdiv-repairs.example",
        "+359 32 555 0202",
    ),
    ("Varna Home Service", "varna", 15, Channel.PHONE, "", "+359 52 555 0303"),
]

STREETS = {
    "plovdiv": ["Maritsa Blvd", "Knyaz Alexander I St", "Ruski Blvd"],
    "sofia": ["Vitosha Blvd", "Tsar Boris III Blvd", "Graf Ignatiev St"],
    "varna": ["Primorski Blvd", "Slivnitsa Blvd", "Knyaz Boris I Blvd"],
}
CUSTOMER_NAMES = [
    "Nikolai Georgiev",
    "Svetla Todorova",
    "Café Vitosha",
    "Petar Kolev",
    "Yana Stoyanova",
    "Hotel Maritsa",
    "Dimitar Angelov",
    "Radka Ilieva",
    "Office Park Plovdiv",
    "Kalina Hristova",
    "Boris Vasilev",
    "Sea Breeze Bakery",
    "Anna Mihaylova",
    "Stefan Nikolov",
    "Lilia Popova",
    "Varna Dental Clinic",
    "Hristo Marinov",
    "Desislava Koleva",
    "Emil Yordanov",
    "Mila Georgieva",
]
ZONES = [Zone.URBAN, Zone.SUBURBAN, Zone.OTHER]

BUSINESS_WORDS = ("Café", "Hotel", "Office", "Bakery", "Clinic")


REFERENCE_CENTRE = CentreData(
    calendar="Bulgaria",
    time_zone="Europe/Sofia",
    holidays=BULGARIAN_HOLIDAYS,
    site="Sofia centre",
    teams=[
        ("repairs", "Repairs", "repairs", "Repairs line"),
        ("installations", "Installations", "installations", "Installations line"),
    ],
    regions=REGIONS,
    providers=PROVIDERS,
    provider_language="bg",
    streets=STREETS,
    customer_names=CUSTOMER_NAMES,
    customer_language="bg",
    business_words=BUSINESS_WORDS,
    zones=ZONES,
    appliances=STARTER_APPLIANCES,
    people=[
        *AGENTS,
        Person("lead", Role.TEAM_LEAD, "Daniela", "Petrova", "bg", "repairs"),
        Person("manager", Role.MANAGER, "Li", "Na", "zh-hans"),
        Person("dispatcher", Role.DISPATCHER, "Olga", "Smirnova", "ru"),
    ],
    technical_accounts=[
        Person("admin", Role.ADMIN, "Alex", "Admin", "en"),
        Person("pbx", Role.PBX, "PBX", "Connector", "en"),
    ],
    fault_categories=STARTER_FAULT_CATEGORIES,
    # D9: the after-sales manager is also every region's after-sales engineer.
    engineer="manager",
)


def seed_reference_centre() -> None:
    """Build the reference centre in the test database; everyone signs in with PASSWORD."""
    seed_centre(REFERENCE_CENTRE, PASSWORD)
