"""C6 / D12 follow-up calls by rule id, on fixed datetimes with hand-computed expectations."""

from datetime import timedelta

import pytest

from hotline.audit.models import Event
from hotline.core.followup import followup_selected, sample_point, sampling_bound
from hotline.core.refusal import PolicyRefusal
from hotline.deadlines.models import Deadline
from hotline.deadlines.services import deadlines_fire_due
from hotline.directory.models import Provider
from hotline.dispatch.choices import WorkOrderState
from hotline.dispatch.models import WorkOrder
from hotline.followup.choices import FollowUpState
from hotline.followup.models import FollowUp
from hotline.followup.services import (
    followup_record,
    followup_release,
    followup_take,
    followup_tick,
    followups_plan,
)
from hotline.notices.models import Notice
from hotline.rulebook.services import rule_value_set
from hotline.testing.cases import completed_order
from hotline.testing.times import utc
from hotline.tickets.choices import TicketKind, TicketState

pytestmark = pytest.mark.django_db


# Completed Mon 23 Nov 10:00 Sofia; 8 working hours (8:30-17:00) later is Tue 9:30 Sofia.
DUE = utc(2026, 11, 24, 7, 30)
# Not made within 8 more working hours: Tue 9:30 + 7:30 to close, + 0:30 = Wed 9:00 Sofia.
OVERDUE = utc(2026, 11, 25, 7, 0)


def plan_one(centre, now, **kwargs) -> FollowUp:
    order = completed_order(centre, now, **kwargs)
    assert followups_plan(now=now + timedelta(minutes=10)) == 1
    return FollowUp.objects.get(work_order=order)


def set_share(centre, now, value: int) -> None:
    rule_value_set(
        actor=centre["admin"],
        now=now,
        key="d12.installation_followup_share",
        raw=str(value),
        reason="test",
    )


# --- D12: who gets a follow-up ------------------------------------------------------------------


def test_d12_every_completed_repair_gets_a_follow_up_due_after_completion(centre, now):
    followup = plan_one(centre, now)
    assert followup.state == FollowUpState.DUE
    assert followup.share == 100
    assert followup.due_at == DUE
    assert Deadline.objects.get(work_order=followup.work_order, kind="d12.followup").due_at == (
        OVERDUE
    )
    event = Event.objects.get(entity="followup.followup", entity_id=str(followup.pk))
    assert (event.action, event.rule) == ("planned", "D12")


def test_d12_completed_but_unsigned_order_is_followed_up_too(centre, now):
    assert plan_one(centre, now, signed=False).state == FollowUpState.DUE


def test_d12_rerun_decides_nothing_twice(centre, now):
    plan_one(centre, now)
    assert followups_plan(now=now + timedelta(hours=1)) == 0
    assert FollowUp.objects.count() == 1


def test_d12_open_orders_get_no_decision(centre, now):
    from hotline.dispatch.services import work_order_dispatch
    from hotline.testing.cases import make_ticket

    work_order_dispatch(
        actor=centre["dispatcher"], now=now, ticket=make_ticket(centre["agent1"], now)
    )
    assert followups_plan(now=now) == 0


def test_d12_installation_sample_is_the_hash_of_the_order_against_the_share(centre, now):
    set_share(centre, now, 50)
    orders = [completed_order(centre, now, kind=TicketKind.INSTALLATION) for _ in range(6)]
    followups_plan(now=now + timedelta(minutes=10))
    for order in orders:
        followup = FollowUp.objects.get(work_order=order)
        expected = sample_point(order.pk) < 0.5
        assert followup.share == 50
        assert followup.state == (FollowUpState.DUE if expected else FollowUpState.SKIPPED)
        assert (followup.due_at is not None) == expected


def test_d12_sampling_is_reproducible():
    assert [followup_selected(n, 30) for n in range(1, 200)] == [
        followup_selected(n, 30) for n in range(1, 200)
    ]
    assert all(followup_selected(n, 100) for n in range(1, 1000))
    assert not any(followup_selected(n, 0) for n in range(1, 1000))


@pytest.mark.parametrize("share", [30, 45, 70, 100])
def test_d12_sampling_rate_holds_within_its_statistical_bound(share):
    orders = 20_000
    chosen = sum(followup_selected(n, share) for n in range(1, orders + 1))
    # Four standard deviations of a binomial: at 30 % over 20,000 orders, 30 % ± 1.3 points.
    assert abs(chosen / orders - share / 100) <= sampling_bound(share, orders)


def test_d12_sampling_rate_holds_over_planned_orders_in_the_database(centre, now):
    """Planned through the service: 400 installations at 30 % (bound 4σ = ± 9.2 points)."""
    template = completed_order(centre, now, kind=TicketKind.INSTALLATION)
    fields = {
        f.attname: getattr(template, f.attname)
        for f in WorkOrder._meta.concrete_fields
        if f.attname != "id"
    }
    WorkOrder.objects.bulk_create([WorkOrder(**fields) for _ in range(399)])
    assert followups_plan(now=now + timedelta(minutes=10)) == 400
    selected = FollowUp.objects.filter(state=FollowUpState.DUE).count()
    assert abs(selected / 400 - 0.30) <= sampling_bound(30, 400)
    # and exactly the orders the hash picks
    picked = {f.work_order_id for f in FollowUp.objects.filter(state=FollowUpState.DUE)}
    assert picked == {
        pk for pk in WorkOrder.objects.values_list("pk", flat=True) if followup_selected(pk, 30)
    }


def test_d12_commissioning_is_sampled_with_installations(centre, now):
    set_share(centre, now, 100)
    followup = plan_one(centre, now, kind=TicketKind.COMMISSIONING)
    assert (followup.state, followup.share) == (FollowUpState.DUE, 100)


def test_d12_worker_tick_plans_recent_completions_once_a_minute(centre, now):
    from hotline.followup import services

    services._last_plan.clear()
    first = completed_order(centre, now)
    assert followup_tick(now=now + timedelta(seconds=1)) == 1  # the full sweep
    second = completed_order(centre, now + timedelta(seconds=20))
    assert followup_tick(now=now + timedelta(seconds=30)) == 0  # not a minute yet
    assert followup_tick(now=now + timedelta(seconds=62)) == 1  # the completion event
    assert {f.work_order_id for f in FollowUp.objects.all()} == {first.pk, second.pk}
    services._last_plan.clear()


# --- C6 / D12: the call -------------------------------------------------------------------------


def test_d12_take_before_due_is_refused(centre, now):
    followup = plan_one(centre, now)
    with pytest.raises(PolicyRefusal) as refused:
        followup_take(
            actor=centre["agent2"], now=DUE - timedelta(minutes=1), followup_id=followup.pk
        )
    assert refused.value.rule_id == "D12"
    followup.refresh_from_db()
    assert followup.state == FollowUpState.DUE


def test_d12_one_agent_calls_at_a_time(centre, now):
    followup = plan_one(centre, now)
    followup_take(actor=centre["agent2"], now=DUE, followup_id=followup.pk)
    with pytest.raises(PolicyRefusal) as refused:
        followup_take(actor=centre["agent3"], now=DUE, followup_id=followup.pk)
    assert refused.value.rule_id == "D12"
    with pytest.raises(PolicyRefusal):
        followup_record(
            actor=centre["agent3"],
            now=DUE,
            followup_id=followup.pk,
            score=5,
            reason="fine",
            resolved=True,
        )
    followup.refresh_from_db()
    assert followup.taken_by == centre["agent2"]
    assert followup.score is None


def test_d12_wrong_role_finds_no_follow_up(centre, now):
    followup = plan_one(centre, now)
    for name in ("dispatcher", "provider1", "customer1", "manager"):
        with pytest.raises(FollowUp.DoesNotExist):
            followup_take(actor=centre[name], now=DUE, followup_id=followup.pk)


def test_d12_no_answer_puts_it_back_and_counts_the_attempt(centre, now):
    followup = plan_one(centre, now)
    followup_take(actor=centre["agent2"], now=DUE, followup_id=followup.pk)
    followup_release(actor=centre["agent2"], now=DUE, followup_id=followup.pk, note="No answer")
    followup.refresh_from_db()
    assert (followup.state, followup.attempts, followup.taken_by) == (FollowUpState.DUE, 1, None)
    with pytest.raises(PolicyRefusal):  # not taken: nothing to put back
        followup_release(actor=centre["agent2"], now=DUE, followup_id=followup.pk)


@pytest.mark.parametrize(
    ("score", "reason", "resolved"),
    [(0, "bad", True), (6, "great", True), (None, "x", True), (3, "  ", True), (4, "ok", None)],
)
def test_c6_bad_result_is_refused_and_changes_nothing(centre, now, score, reason, resolved):
    followup = plan_one(centre, now)
    followup_take(actor=centre["agent2"], now=DUE, followup_id=followup.pk)
    with pytest.raises(PolicyRefusal) as refused:
        followup_record(
            actor=centre["agent2"],
            now=DUE,
            followup_id=followup.pk,
            score=score,
            reason=reason,
            resolved=resolved,
        )
    assert refused.value.rule_id == "D12"
    followup.refresh_from_db()
    assert followup.state == FollowUpState.TAKEN
    assert followup.score is None


def test_c6_resolved_follow_up_records_score_and_reason(centre, now):
    followup = plan_one(centre, now)
    followup_take(actor=centre["agent2"], now=DUE, followup_id=followup.pk)
    followup_record(
        actor=centre["agent2"],
        now=DUE + timedelta(minutes=3),
        followup_id=followup.pk,
        score=4,
        reason="Works again; the technician was late",
        resolved=True,
    )
    followup.refresh_from_db()
    assert (followup.state, followup.score, followup.resolved) == (FollowUpState.RESOLVED, 4, True)
    assert followup.second_dispatch is None
    assert not WorkOrder.objects.filter(second_dispatch_of=followup.work_order).exists()
    deadline = Deadline.objects.get(work_order=followup.work_order, kind="d12.followup")
    assert deadline.state == "met"
    event = Event.objects.get(
        entity="followup.followup", entity_id=str(followup.pk), action="recorded"
    )
    assert event.rule == "C6"
    assert event.new is not None
    assert event.new["score"] == 4


def test_d12_unresolved_follow_up_reopens_the_case_and_sends_a_linked_second_dispatch(centre, now):
    followup = plan_one(centre, now)
    first = followup.work_order
    followup_record(
        actor=centre["agent2"],
        now=DUE,
        followup_id=followup.pk,
        score=1,
        reason="Still leaking after the visit",
        resolved=False,
    )
    followup.refresh_from_db()
    assert followup.state == FollowUpState.UNRESOLVED
    second = followup.second_dispatch
    assert second is not None
    assert second.pk != first.pk
    assert second.second_dispatch_of_id == first.pk
    assert second.ticket_id == first.ticket_id
    assert second.state == WorkOrderState.DISPATCHED
    assert second.provider_id == first.provider_id  # the same provider goes back
    assert second.ticket_copy["repeat_of"]["work_order"] == first.number
    assert second.ticket_copy["repeat_of"]["reason"] == "Still leaking after the visit"
    ticket = second.ticket
    assert ticket.state == TicketState.DISPATCHED
    assert ticket.solved_at is None
    reopened = Event.objects.get(
        entity="tickets.ticket", entity_id=str(ticket.pk), action="reopened"
    )
    assert reopened.rule == "D12"
    assert reopened.old is not None
    assert reopened.old["state"] == TicketState.SOLVED
    linked = Event.objects.get(
        entity="dispatch.work_order", entity_id=str(second.pk), action="second_dispatch"
    )
    assert linked.rule == "D12"
    assert linked.new is not None
    assert linked.new["second_dispatch_of"] == first.pk
    assert Notice.objects.filter(customer=ticket.customer, rule="D12", work_order=second).exists()
    first.refresh_from_db()
    assert first.state == WorkOrderState.SIGNED  # the signed order stays sealed (E6)


def test_d12_second_dispatch_goes_elsewhere_when_the_provider_is_full(centre, now):
    followup = plan_one(centre, now)
    provider = followup.work_order.provider
    region = followup.work_order.region
    other = Provider.objects.exclude(pk=provider.pk).order_by("id").first()
    assert other is not None, "the demo has a second provider"
    other.regions.add(region)  # a second provider of the region, with room
    provider.capacity = 0
    provider.save(update_fields=["capacity"])
    followup_record(
        actor=centre["agent2"],
        now=DUE,
        followup_id=followup.pk,
        score=2,
        reason="Not fixed",
        resolved=False,
    )
    followup.refresh_from_db()
    assert followup.second_dispatch is not None
    assert followup.second_dispatch.provider_id == other.pk


def test_d12_overdue_follow_up_alerts_the_team_leads(centre, now):
    followup = plan_one(centre, now)
    assert deadlines_fire_due(now=OVERDUE - timedelta(seconds=1), worker="t") == 0
    assert deadlines_fire_due(now=OVERDUE, worker="t") >= 1
    followup.refresh_from_db()
    assert followup.overdue_at == OVERDUE
    assert Notice.objects.filter(user=centre["lead"], rule="D12").exists()
    assert Event.objects.filter(
        entity="followup.followup", entity_id=str(followup.pk), action="overdue", rule="D12"
    ).exists()


def test_d12_follow_up_done_before_the_deadline_is_not_overdue(centre, now):
    followup = plan_one(centre, now)
    followup_record(
        actor=centre["agent2"],
        now=DUE,
        followup_id=followup.pk,
        score=5,
        reason="ok",
        resolved=True,
    )
    deadlines_fire_due(now=OVERDUE, worker="t")
    followup.refresh_from_db()
    assert followup.overdue_at is None
    assert not Notice.objects.filter(user=centre["lead"], rule="D12").exists()
