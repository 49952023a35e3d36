"""The demo centre's own data: its people, providers and customers, and the cases, symptoms and
calls it starts with (its catalogue is the starter one). `hotline.demo` seeds from these tables."""

from hotline.accounts.choices import Role
from hotline.directory.choices import Channel, Zone
from hotline.seeding import (
    BULGARIAN_HOLIDAYS,
    STARTER_APPLIANCES,
    STARTER_FAULT_CATEGORIES,
    CentreData,
    Person,
)

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

# Symptoms of the demo's cases, as agents typed them.
DEMO_SYMPTOMS = [
    "Drum does not turn, error E21 on the display",
    "Not cooling since yesterday, the fan runs",
    "Water under the door after every cycle",
    "Loud rattle when the compressor starts",
    "Does not switch on, the fuse is fine",
    "Error F07 after two minutes of heating",
    "Remote works but the unit blows warm air",
    "Leaks from the bottom during the wash",
]

# Call quality reviews (B11): the team lead's sample of the Repairs team's calls.
# agent, minutes before now the call was answered, talk in seconds, marks not "met", comment.
# Marks left out are met; "na" for what did not arise in the call.
DEMO_REVIEWED_CALLS = [
    ("agent1", 200, 310, {"transfer": "na"}, "Clear and friendly; good read-back."),
    ("agent1", 150, 540, {"transfer": "na", "close": "not_met"}, "Hung up without a goodbye."),
    (
        "agent2",
        180,
        420,
        {"sla_promises": "not_met", "transfer": "na"},
        "Promised a visit today; the customer's SLA gives 24 h.",
    ),
    (
        "agent3",
        120,
        380,
        {"colleagues": "not_met", "read_back": "na", "transfer": "na"},
        "Told the customer the last technician 'had no idea what he was doing'.",
    ),
]
# Answered calls left for the team lead to review in the demo.
DEMO_UNREVIEWED_CALLS = [("agent4", 90, 260), ("agent2", 60, 330), ("agent1", 30, 200)]

DEMO_CENTRE = CentreData(
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
    # D9: in the demo the after-sales manager is also every region's after-sales engineer.
    engineer="manager",
)
