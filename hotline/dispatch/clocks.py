"""The provider's deadlines in words, as the dispatch code keeps them (D4, D5, D6, D8).

The provider's home page states each clock from here: the numbers come from the rulebook
(per zone and customer where D6 is overridden), and each sentence says what the clock runs
from, as ``services/dispatch.py`` and ``services/provider.py`` compute it.
"""

from typing import Any

from django.utils.translation import gettext as _

from hotline.core.rulebook import Rulebook, Scope
from hotline.directory.choices import Zone
from hotline.directory.models import Customer, Provider
from hotline.dispatch.services.desk import DESK_CHECK_GAP
from hotline.formatting import duration_text
from hotline.rulebook.models import RuleValue

D6_KEYS = {zone.value: f"d6.{zone.value}_response" for zone in Zone}


def provider_clocks(rules: Rulebook, provider: Provider) -> list[dict[str, Any]]:
    """Each deadline the provider keeps: its rule and the sentence that states it."""
    lines = [
        (
            "D4",
            _(
                "Contact the customer and agree a visit within %(limit)s of dispatch, counted in "
                "the centre's working hours (a request booked for a later day: from that day's "
                "opening)."
            )
            % {"limit": duration_text(rules.duration("d4.contact_within"))},
        ),
        (
            "D4",
            _(
                "Report the order's status to the centre within %(limit)s of dispatch, counted "
                "in working hours; report completion as soon as the job is done."
            )
            % {"limit": duration_text(rules.duration("d4.status_within"))},
        ),
        (
            "D4",
            _(
                "Check your order list %(min)s to %(max)s times a day: each visit to the "
                "portal's list of orders counts, visits within %(gap)s of the last one as one."
            )
            % {
                "min": rules.count("d4.desk_checks_min"),
                "max": rules.count("d4.desk_checks_max"),
                "gap": duration_text(DESK_CHECK_GAP),
            },
        ),
        (
            "D5",
            _(
                "After each of your reports, the centre urges you if no further news follows "
                "within %(limit)s, counted in working hours from your last report."
            )
            % {"limit": duration_text(rules.duration("d5.urge_after"))},
        ),
    ]
    for zone in Zone:
        limit = rules.duration(D6_KEYS[zone.value], zone=zone.value)
        lines.append(
            (
                "D6",
                _(
                    "%(zone)s zone: respond within %(limit)s of dispatch, in calendar hours (a "
                    "request booked for a later day: from that day's opening; a later date the "
                    "customer chose moves it). Past it the order is marked late and counts "
                    "against your timeliness."
                )
                % {"zone": zone.label, "limit": duration_text(limit)},
            )
        )
    for customer, zone in _customer_limits(provider):
        limit = rules.duration(D6_KEYS[zone.value], zone=zone.value, customer=customer.pk)
        lines.append(
            (
                "D6",
                _("%(customer)s, %(zone)s zone: respond within %(limit)s (their own limit).")
                % {"customer": customer.name, "zone": zone.label, "limit": duration_text(limit)},
            )
        )
    lines.append(
        (
            "D8",
            _(
                "When a customer chases an order, the centre urges you and promises the customer "
                "a reply within %(limit)s."
            )
            % {"limit": duration_text(rules.duration("d8.reply_within"))},
        )
    )
    return [{"rule": rule, "text": text} for rule, text in lines]


def _customer_limits(provider: Provider) -> list[tuple[Customer, Zone]]:
    """D6 limits set for one customer, for customers with sites in the provider's regions."""
    by_key = {key: Zone(zone) for zone, key in D6_KEYS.items()}
    refs = RuleValue.objects.filter(key__in=list(by_key), scope=Scope.CUSTOMER).values_list(
        "scope_ref", "key"
    )
    ids = {int(ref) for ref, _key in refs if ref.isdigit()}
    customers = {
        c.pk: c
        for c in Customer.objects.filter(
            pk__in=ids, sites__region__in=provider.regions.all()
        ).distinct()
    }
    return sorted(
        (
            (customers[int(ref)], by_key[key])
            for ref, key in refs
            if ref.isdigit() and int(ref) in customers
        ),
        key=lambda pair: (pair[0].name, pair[1].value),
    )
