"""Complaints (D9), special incidents (D10) and escalation rules (A6)."""

from datetime import timedelta

import pytest

from hotline.accounts.choices import Role
from hotline.audit.models import Event
from hotline.deadlines.choices import DeadlineState
from hotline.deadlines.models import Deadline
from hotline.deadlines.services import deadlines_fire_due
from hotline.directory.models import Region
from hotline.notices.models import Notice
from hotline.tickets import selectors, services
from hotline.tickets.choices import (
    ComplaintState,
    IncidentKind,
    IncidentState,
    TicketKind,
    TicketState,
)
from hotline.tickets.models import Complaint, Escalation, EscalationRule, Incident, Ticket
from hotline.tickets.tests.test_services_support import new_case, refused

pytestmark = pytest.mark.django_db

COMPLAINT = "The technician left water all over the kitchen floor"


def complaint(centre, now) -> Ticket:  # type: ignore[no-untyped-def]
    return new_case(
        centre["agent1"], now, kind=TicketKind.COMPLAINT, symptom=COMPLAINT, category=None
    )


def read_back(ticket: Ticket, actor, now) -> Ticket:  # type: ignore[no-untyped-def]
    services.ticket_read_back(actor=actor, now=now, ticket=ticket)
    return services.ticket_confirm(actor=actor, now=now, ticket=ticket)


def told(ticket: Ticket, rule: str) -> set[str]:
    return set(
        Notice.objects.filter(ticket=ticket, rule=rule, user__isnull=False).values_list(
            "user__username", flat=True
        )
    )


# --- D9 -------------------------------------------------------------------------------------


def test_d9_a_complaint_is_recorded_and_settled_on_the_call(centre, now):
    ticket = complaint(centre, now)
    assert ticket.complaint.state == ComplaintState.RECORDED
    assert not Deadline.objects.filter(ticket=ticket, kind="d2.work_order").exists()
    refused(
        "D9", services.complaint_settle, actor=centre["agent1"], now=now, ticket=ticket, outcome=""
    )
    found = services.complaint_settle(
        actor=centre["agent1"], now=now, ticket=ticket, outcome="Apologised, 20 % voucher"
    )
    assert found.state == ComplaintState.SETTLED
    assert found.replied_at == now
    ticket.refresh_from_db()
    assert ticket.state == TicketState.SOLVED
    refused(
        "D9",
        services.complaint_escalate,
        actor=centre["agent1"],
        now=now,
        ticket=ticket,
        reason="x",
    )


def test_d9_escalation_needs_the_read_back_first(centre, now):
    ticket = complaint(centre, now)
    refused(
        "E2",
        services.complaint_escalate,
        actor=centre["agent1"],
        now=now,
        ticket=ticket,
        reason="Wants compensation",
    )
    assert Complaint.objects.get(ticket=ticket).state == ComplaintState.RECORDED


def test_d9_team_lead_to_engineer_who_replies_within_24_h(centre, now):
    agent, lead, manager = centre["agent1"], centre["lead"], centre["manager"]
    ticket = read_back(complaint(centre, now), agent, now)
    services.complaint_escalate(actor=agent, now=now, ticket=ticket, reason="Wants compensation")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.ESCALATED
    assert lead.username in told(ticket, "D9")
    assert ticket.complaint in selectors.complaints_for(lead)
    refused("D9", services.complaint_hand_to_engineer, actor=agent, now=now, ticket=ticket)
    handed_at = now + timedelta(hours=1)
    found = services.complaint_hand_to_engineer(actor=lead, now=handed_at, ticket=ticket)
    assert found.engineer == manager  # the demo's engineer of every region
    assert found.reply_due == handed_at + timedelta(hours=24)
    clock = Deadline.objects.get(ticket=ticket, kind="d9.reply")
    assert clock.due_at == found.reply_due
    assert found in selectors.complaints_for(manager)
    refused("D9", services.complaint_answer, actor=lead, now=handed_at, ticket=ticket, outcome="No")
    answered = services.complaint_answer(
        actor=manager, now=handed_at + timedelta(hours=5), ticket=ticket, outcome="Refund"
    )
    assert answered.state == ComplaintState.ANSWERED
    assert answered.outcome == "Refund"
    clock.refresh_from_db()
    assert clock.state == DeadlineState.MET
    assert Notice.objects.filter(ticket=ticket, rule="D9", customer=ticket.customer).exists()
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.SOLVED


def test_d9_a_late_engineer_reply_alerts_the_team_lead(centre, now):
    agent, lead = centre["agent1"], centre["lead"]
    ticket = read_back(complaint(centre, now), agent, now)
    services.complaint_escalate(actor=agent, now=now, ticket=ticket, reason="Angry")
    services.complaint_hand_to_engineer(actor=lead, now=now, ticket=ticket)
    Notice.objects.all().delete()
    deadlines_fire_due(now=now + timedelta(hours=23), worker="test")
    assert told(ticket, "D9") == set()
    deadlines_fire_due(now=now + timedelta(hours=24, minutes=1), worker="test")
    assert told(ticket, "D9") == {"lead"}
    assert Event.objects.filter(entity_id=str(ticket.pk), action="engineer_reply_late", rule="D9")


def test_d9_a_region_without_an_engineer_is_refused(centre, now):
    agent, lead = centre["agent1"], centre["lead"]
    ticket = read_back(complaint(centre, now), agent, now)
    services.complaint_escalate(actor=agent, now=now, ticket=ticket, reason="Angry")
    Region.objects.update(engineer=None)
    refused("D9", services.complaint_hand_to_engineer, actor=lead, now=now, ticket=ticket)
    assert Complaint.objects.get(ticket=ticket).state == ComplaintState.WITH_LEAD


# --- D10 ------------------------------------------------------------------------------------


def test_d10_an_incident_goes_at_once_to_the_team_lead_and_the_manager(centre, now):
    ticket = new_case(
        centre["agent1"],
        now,
        kind=TicketKind.INCIDENT,
        incident_kind=IncidentKind.PROPERTY_DAMAGE,
        symptom="The dishwasher flooded the flat below",
    )
    assert ticket.incident.state == IncidentState.REPORTED
    assert ticket.incident.reported_at == now
    assert told(ticket, "D10") == {"lead", "manager"}
    assert Notice.objects.filter(ticket=ticket, rule="D10").values("created_at")[0] == {
        "created_at": now
    }


def test_d10_the_manager_decides_then_the_team_lead_files_the_report(centre, now):
    ticket = new_case(
        centre["agent1"], now, kind=TicketKind.INCIDENT, incident_kind=IncidentKind.INJURY
    )
    lead, manager = centre["lead"], centre["manager"]
    refused("D10", services.incident_file_report, actor=lead, now=now, ticket=ticket, report="Done")
    refused("D10", services.incident_decide, actor=lead, now=now, ticket=ticket, decision="Pay")
    refused("D10", services.incident_decide, actor=manager, now=now, ticket=ticket, decision=" ")
    assert Incident.objects.get(ticket=ticket).state == IncidentState.REPORTED
    decided = services.incident_decide(
        actor=manager, now=now, ticket=ticket, decision="Insurer visits tomorrow"
    )
    assert decided.state == IncidentState.DECIDED
    assert decided.decided_by == manager
    refused("D10", services.incident_file_report, actor=manager, now=now, ticket=ticket, report="x")
    filed = services.incident_file_report(
        actor=lead, now=now + timedelta(days=2), ticket=ticket, report="Paid, closed"
    )
    assert filed.state == IncidentState.CLOSED
    assert filed.report_by == lead
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.CLOSED
    assert decided not in selectors.incidents_for(lead)


# --- A6 -------------------------------------------------------------------------------------


def test_a6_configured_rules_start_clocks_at_creation(centre, now):
    repair = new_case(centre["agent1"], now)
    rule = EscalationRule.objects.get(kind=TicketKind.REPAIR)
    clock = Deadline.objects.get(ticket=repair, kind=f"a6.escalate:{rule.pk}")
    assert clock.due_at == now + timedelta(hours=72)
    # the complaint rule does not apply to a repair; a rule for every kind does
    everyone = EscalationRule.objects.create(
        name="Anything open a week", open_for=timedelta(days=7), level=3, notify_role=Role.MANAGER
    )
    EscalationRule.objects.create(
        name="Inactive", open_for=timedelta(hours=1), level=1, active=False
    )
    second = new_case(centre["agent1"], now)
    kinds = set(Deadline.objects.filter(ticket=second).values_list("kind", flat=True))
    assert kinds == {"d2.work_order", f"a6.escalate:{rule.pk}", f"a6.escalate:{everyone.pk}"}


def test_a6_a_rule_fires_on_time_and_notifies_its_role(centre, now):
    ticket = complaint(centre, now)
    rule = EscalationRule.objects.get(kind=TicketKind.COMPLAINT)
    deadlines_fire_due(now=now + timedelta(hours=23), worker="test")
    assert not Escalation.objects.exists()
    deadlines_fire_due(now=now + timedelta(hours=24), worker="test")
    escalation = Escalation.objects.get(ticket=ticket)
    assert escalation.rule == rule
    assert escalation.level == 2
    assert escalation.by is None
    assert told(ticket, "A6") == {"manager"}
    assert Event.objects.get(entity_id=str(ticket.pk), action="escalated").rule == "A6"


def test_a6_a_rule_does_not_fire_on_a_closed_case(centre, now):
    ticket = complaint(centre, now)
    services.complaint_settle(actor=centre["agent1"], now=now, ticket=ticket, outcome="Sorry")
    deadlines_fire_due(now=now + timedelta(hours=25), worker="test")
    assert not Escalation.objects.exists()


def test_a6_a_rule_naming_a_person_notifies_that_person(centre, now):
    rule = EscalationRule.objects.get(kind=TicketKind.REPAIR)
    rule.notify_role = ""
    rule.notify_user = centre["dispatcher"]
    rule.save()
    ticket = new_case(centre["agent1"], now)
    Ticket.objects.filter(pk=ticket.pk).update(state=TicketState.DISPATCHED)
    deadlines_fire_due(now=now + timedelta(hours=72), worker="test")
    assert told(ticket, "A6") == {"dispatcher"}


def test_a6_escalating_by_hand_needs_a_reason_and_the_read_back(centre, now):
    agent, lead = centre["agent1"], centre["lead"]
    ticket = complaint(centre, now)
    refused("A6", services.ticket_escalate, actor=agent, now=now, ticket=ticket, reason="  ")
    refused("E2", services.ticket_escalate, actor=agent, now=now, ticket=ticket, reason="Angry")
    assert not Escalation.objects.exists()
    read_back(ticket, agent, now)
    first = services.ticket_escalate(actor=agent, now=now, ticket=ticket, reason="Angry")
    assert first.level == 1
    assert first.by == agent
    assert first.reason == "Angry"
    assert told(ticket, "A6") == {"lead"}
    second = services.ticket_escalate(actor=lead, now=now, ticket=ticket, reason="Lawyer")
    assert second.level == 2
    assert "manager" in told(ticket, "A6")
    refused(
        "B10", services.ticket_escalate, actor=centre["agent2"], now=now, ticket=ticket, reason="x"
    )
