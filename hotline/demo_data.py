"""The demo centre's data: people, providers, customers, fault categories, and the cases and
calls it starts with. `hotline.demo` seeds the database from these tables."""

from datetime import date

from hotline.core.i18n import gettext_noop
from hotline.directory.choices import ApplianceKind, Channel, Zone

# Bulgarian public holidays around the demo's dates (the centre's own calendar).
HOLIDAYS = [
    (date(2026, 12, 24), "Christmas Eve"),
    (date(2026, 12, 25), "Christmas Day"),
    (date(2026, 12, 26), "Second day of Christmas"),
    (date(2027, 1, 1), "New Year's Day"),
    (date(2027, 3, 3), "Liberation Day"),
    (date(2027, 5, 1), "Labour Day"),
    (date(2027, 5, 6), "St George's Day"),
    (date(2027, 5, 24), "Culture and Literacy Day"),
]

# username, first name, last name, team, language
AGENTS = [
    ("agent1", "Ivan", "Petrov", "repairs", "bg"),
    ("agent2", "Maria", "Ivanova", "repairs", "ru"),
    ("agent3", "Lucía", "García", "repairs", "es"),
    ("agent4", "Camille", "Martin", "repairs", "fr"),
    ("agent5", "Fang", "Wang", "installations", "zh-hans"),
    ("agent6", "Georgi", "Dimitrov", "installations", "bg"),
    ("agent7", "Elena", "Sokolova", "installations", "ru"),
    ("agent8", "Tom", "Baker", "installations", "en"),
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

# Fault categories with the scripted first steps an agent walks through (rule E4). The texts
# are msgids: pages show them in the agent's language.
FAULT_CATEGORIES = [
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
APPLIANCES = [
    (ApplianceKind.WASHING_MACHINE, "WM"),
    (ApplianceKind.REFRIGERATOR, "RF"),
    (ApplianceKind.AIR_CONDITIONER, "AC"),
    (ApplianceKind.DISHWASHER, "DW"),
    (ApplianceKind.BOILER, "BL"),
]
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
