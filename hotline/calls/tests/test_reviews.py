"""Call quality reviews (B11): the team lead's review service, who reads what, the pages and the
API. Calls are made through the floor services, as the desk makes them."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from hotline.accounts.choices import Role
from hotline.accounts.models import Team, User
from hotline.audit.models import Event
from hotline.calls.models import AgentSession, Call, CallReview, Offer, Queue
from hotline.calls.selectors import review_for, reviews_for
from hotline.calls.services.agents import agent_log_in, agent_make_ready
from hotline.calls.services.calls import agent_wrap_up_end, call_arrive, call_end, offer_accept
from hotline.calls.services.reviews import REVIEW_ENTITY, call_review_create
from hotline.calls.services.transfers import call_take_over
from hotline.core.agent_states import AgentState
from hotline.core.refusal import PolicyRefusal
from hotline.core.scorecard import SCORECARD

pytestmark = pytest.mark.django_db
TALK = timedelta(minutes=4)


def marks(**others: str) -> dict[str, str]:
    """Every criterion met, but those named."""
    return {c.code: others.get(c.code, "met") for c in SCORECARD}


def answered_call(agent: User, at, *, end: bool = True) -> Call:  # type: ignore[no-untyped-def]
    """A call to the agent's team's line, answered by them at `at` and (by default) ended after
    TALK and wrapped up: the agent is alone ready in the team, so the call rings on their desk."""
    session = AgentSession.objects.filter(agent=agent).first()
    if session is None or session.state == AgentState.LOGGED_OUT:
        agent_log_in(actor=agent, now=at - timedelta(minutes=5))
        agent_make_ready(actor=agent, now=at - timedelta(minutes=4))
    queue = Queue.objects.get(team=agent.team)
    call = call_arrive(now=at, queue=queue, caller_number="+359 88 1000000")
    offer = Offer.objects.get(agent=agent, call=call)
    offer_accept(actor=agent, now=at + timedelta(seconds=3), offer_id=offer.pk)
    if end:
        call_end(actor=agent, now=at + TALK, call_id=call.pk)
        agent_wrap_up_end(actor=agent, now=at + TALK + timedelta(seconds=30), agent=agent)
    return Call.objects.get(pk=call.pk)


def review(lead: User, call: Call, at, **kwargs: object) -> CallReview:  # type: ignore[no-untyped-def]
    values: dict[str, object] = {"marks": marks(), "comment": ""} | kwargs
    return call_review_create(actor=lead, now=at, call_id=call.pk, **values)  # type: ignore[arg-type]


def nothing_stored() -> bool:
    return not CallReview.objects.exists() and not Event.objects.filter(entity=REVIEW_ENTITY)


@pytest.fixture
def call(centre, now) -> Call:  # type: ignore[no-untyped-def]
    return answered_call(centre["agent1"], now)


@pytest.fixture
def lead2(centre) -> User:  # type: ignore[no-untyped-def]
    """The team lead of Installations (the demo has a lead for Repairs only)."""
    return User.objects.create(
        username="lead2",
        role=Role.TEAM_LEAD,
        team=Team.objects.get(name="Installations"),
        language="en",
    )


# --- the service ----------------------------------------------------------------------------------


def test_b11_a_review_is_stored_with_its_event(centre, call, now):
    lead = centre["lead"]
    later = now + timedelta(hours=1)
    made = review(
        lead,
        call,
        later,
        marks=marks(transfer="na", read_back="na", close="not_met"),
        comment="  Forgot the goodbye.  ",
    )
    assert (made.call, made.agent, made.reviewer, made.reviewed_at) == (
        call,
        centre["agent1"],
        lead,
        later,
    )
    assert made.marks["transfer"] == "na"
    assert made.comment == "Forgot the goodbye."
    assert made.score == pytest.approx(5 / 6)
    assert not made.conduct_breach
    event = Event.objects.get(entity=REVIEW_ENTITY, entity_id=str(made.pk))
    assert (event.action, event.rule, event.actor, event.at) == ("reviewed", "B11", lead, later)
    assert event.new is not None
    assert event.new["agent"] == centre["agent1"].pk
    assert event.new["call"] == call.pk
    assert (event.new["met"], event.new["not_met"]) == (5, 1)
    assert event.reason == "Forgot the goodbye."


def test_b11_running_down_a_colleague_is_flagged_whatever_the_score(centre, call, now):
    made = review(
        centre["lead"], call, now, marks=marks(colleagues="not_met"), comment="Blamed Maria."
    )
    assert made.score == pytest.approx(7 / 8)
    assert made.conduct_breach
    event = Event.objects.get(entity=REVIEW_ENTITY)
    assert event.new is not None
    assert event.new["conduct_breach"] is True


def test_b11_a_breach_without_a_word_of_what_was_said_is_refused(centre, call, now):
    with pytest.raises(PolicyRefusal) as refused:
        review(centre["lead"], call, now, marks=marks(colleagues="not_met"), comment="   ")
    assert refused.value.rule_id == "B11"
    assert nothing_stored()


@pytest.mark.parametrize(
    "given",
    [
        marks() | {"politeness": "met"},  # no such criterion
        {c: m for c, m in marks().items() if c != "close"},  # a mark missing
        marks(transfer="maybe"),  # not a mark
        marks(colleagues="na"),  # B11 arises in every call
    ],
)
def test_b11_bad_marks_are_refused_and_change_nothing(centre, call, now, given):
    with pytest.raises(ValidationError):
        review(centre["lead"], call, now, marks=given)
    assert nothing_stored()


def test_b11_a_comment_with_a_nul_character_is_refused(centre, call, now):
    with pytest.raises(ValidationError):
        review(centre["lead"], call, now, comment="bad\x00text")
    assert nothing_stored()


def test_b11_a_call_not_answered_is_refused(centre, now):
    waiting = call_arrive(now=now, queue=Queue.objects.get(code="repairs"), caller_number="+1")
    with pytest.raises(ValidationError, match="answered call that has ended"):
        review(centre["lead"], waiting, now)
    assert nothing_stored()


def test_b11_a_call_still_going_on_is_refused(centre, now):
    talking = answered_call(centre["agent2"], now, end=False)
    with pytest.raises(ValidationError, match="answered call that has ended"):
        review(centre["lead"], talking, now + TALK)
    assert nothing_stored()


def test_b11_a_second_review_of_a_call_is_refused(centre, call, now):
    first = review(centre["lead"], call, now)
    with pytest.raises(ValidationError, match="reviewed already"):
        review(centre["lead"], call, now + timedelta(minutes=5), marks=marks(close="not_met"))
    assert list(CallReview.objects.all()) == [first]
    assert CallReview.objects.get().score == 1.0  # the first stands, unchanged
    assert Event.objects.filter(entity=REVIEW_ENTITY).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_b11_the_same_call_reviewed_twice_at_once_is_stored_once(centre, call, now):
    start = threading.Barrier(2)

    def run(_: int) -> str:
        try:
            start.wait()
            review(centre["lead"], call, now)
            return "stored"
        except ValidationError:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(run, range(2))) == ["refused", "stored"]
    assert CallReview.objects.count() == 1
    assert Event.objects.filter(entity=REVIEW_ENTITY).count() == 1


def test_b11_a_team_lead_does_not_review_their_own_call(centre, now):
    lead, agent = centre["lead"], centre["agent1"]
    talking = answered_call(agent, now, end=False)
    agent_log_in(actor=lead, now=now)  # B10: the lead takes it over at their own desk
    call_take_over(actor=lead, now=now + TALK, call_id=talking.pk, reason="Angry customer")
    call_end(actor=lead, now=now + 2 * TALK, call_id=talking.pk)
    talking.refresh_from_db()
    assert talking.agent == lead
    with pytest.raises(ValidationError, match="answered yourself"):
        review(lead, talking, now + 3 * TALK)
    assert nothing_stored()


def test_b11_a_call_of_another_team_is_not_found_for_the_team_lead(centre, now, lead2):
    theirs = answered_call(centre["agent5"], now)  # Installations
    with pytest.raises(Call.DoesNotExist):
        review(centre["lead"], theirs, now)
    mine = answered_call(centre["agent1"], now)
    with pytest.raises(Call.DoesNotExist):
        review(lead2, mine, now)
    assert nothing_stored()


def test_b11_a_call_of_the_team_s_line_answered_by_another_team_is_refused(centre, now):
    """An overflowed call can reach another team's agent: the lead sees it in their queue, but it
    is not their agent's call to review."""
    call = answered_call(centre["agent1"], now)
    Call.objects.filter(pk=call.pk).update(agent=centre["agent5"])
    with pytest.raises(ValidationError, match="your own team's agents"):
        review(centre["lead"], call, now)
    assert nothing_stored()


@pytest.mark.parametrize("username", ["agent1", "agent2", "manager", "admin", "dispatcher"])
def test_b11_only_a_team_lead_reviews_calls(centre, call, now, username):
    with pytest.raises(PermissionDenied):
        review(centre[username], call, now)
    assert nothing_stored()


def test_b11_each_reads_only_the_reviews_they_may(centre, now, lead2):
    lead = centre["lead"]
    ivan = review(lead, answered_call(centre["agent1"], now), now + TALK)
    maria = review(lead, answered_call(centre["agent2"], now + TALK), now + 2 * TALK)
    assert set(reviews_for(centre["agent1"])) == {ivan}
    assert set(reviews_for(centre["agent2"])) == {maria}
    assert set(reviews_for(lead)) == {ivan, maria}
    assert set(reviews_for(centre["manager"])) == set(reviews_for(centre["admin"])) == {ivan, maria}
    for outsider in (lead2, centre["agent5"], centre["dispatcher"], centre["customer1"]):
        assert not reviews_for(outsider).exists()
        with pytest.raises(CallReview.DoesNotExist):
            review_for(outsider, ivan.pk)
    with pytest.raises(CallReview.DoesNotExist):
        review_for(centre["agent2"], ivan.pk)


def test_b11_a_review_counts_in_the_team_lead_s_daily_report(centre, call, now):
    from hotline.reports.selectors import daily_report

    review(centre["lead"], call, now + TALK, marks=marks(colleagues="not_met"), comment="Blamed.")
    day = now.date()  # Monday 10:00 in Sofia is 08:00 UTC: the same day
    row = daily_report(centre["lead"], day, now).section("agents").row(username="agent1")
    assert (row["reviews"], row["conduct_breaches"]) == (1, 1)
    assert row["review_score"] == pytest.approx(7 / 8)


# --- pages ----------------------------------------------------------------------------------------


def form_of(given: dict[str, str], comment: str = "") -> dict[str, str]:
    return {f"mark-{code}": mark for code, mark in given.items()} | {"comment": comment}


def test_b11_team_lead_lists_the_team_s_calls_and_reviews_one(client, in_english, call):
    client.force_login(in_english["lead"])
    page = client.get(reverse("calls:reviews")).content.decode()
    form_url = reverse("calls:review_call", args=[call.pk])
    assert form_url in page
    form = client.get(form_url)
    assert form.status_code == 200
    for criterion in SCORECARD:
        assert f'name="mark-{criterion.code}"' in form.content.decode()
    response = client.post(form_url, form_of(marks(transfer="na"), "Good call."))
    made = CallReview.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("calls:review", args=[made.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "Good call." in detail
    assert "100 %" in detail
    after = client.get(reverse("calls:reviews")).content.decode()
    assert reverse("calls:review", args=[made.pk]) in after
    assert form_url not in after  # reviewed: no second "Review" button


def test_b11_missing_mark_comes_back_with_the_form_as_typed(client, in_english, call):
    client.force_login(in_english["lead"])
    typed = {c: m for c, m in marks(close="not_met").items() if c != "greeting"}
    response = client.post(reverse("calls:review_call", args=[call.pk]), form_of(typed, "Hm."))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Give a mark for: Greets the caller and identifies the customer." in page
    assert 'class="criterion has-error" data-criterion="greeting"' in page
    assert 'class="criterion" data-criterion="close"' in page  # marked: not flagged
    assert 'name="mark-close" value="not_met" checked' in page
    assert "Hm." in page
    assert not CallReview.objects.exists()


def test_b11_breach_without_comment_on_the_page_names_the_rule(client, in_english, call):
    client.force_login(in_english["lead"])
    url = reverse("calls:review_call", args=[call.pk])
    response = client.post(url, form_of(marks(colleagues="not_met")))
    assert response.status_code == 409
    assert 'data-rule="B11"' in response.content.decode()
    assert not CallReview.objects.exists()


def test_b11_a_reviewed_call_shows_its_review_instead_of_the_form(client, in_english, call, now):
    made = review(in_english["lead"], call, now)
    client.force_login(in_english["lead"])
    url = reverse("calls:review_call", args=[call.pk])
    page = client.get(url).content.decode()
    assert "reviewed already" in page
    assert reverse("calls:review", args=[made.pk]) in page
    assert 'name="mark-greeting"' not in page
    assert client.post(url, form_of(marks())).status_code == 400
    assert CallReview.objects.count() == 1


def test_b11_another_team_s_lead_gets_not_found(client, in_english, call, now, lead2):
    made = review(in_english["lead"], call, now)
    client.force_login(lead2)
    assert client.get(reverse("calls:review_call", args=[call.pk])).status_code == 404
    assert client.post(reverse("calls:review_call", args=[call.pk])).status_code == 404
    assert client.get(reverse("calls:review", args=[made.pk])).status_code == 404
    assert str(in_english["agent1"]) not in client.get(reverse("calls:reviews")).content.decode()


def test_b11_the_agent_reads_their_own_reviews_only(client, in_english, call, now):
    made = review(
        in_english["lead"], call, now, marks=marks(colleagues="not_met"), comment="Blamed Maria."
    )
    client.force_login(in_english["agent1"])
    mine = client.get(reverse("calls:my_reviews")).content.decode()
    assert "Blamed Maria." in mine
    assert "Ran down a colleague (B11)" in mine
    assert client.get(reverse("calls:review", args=[made.pk])).status_code == 200
    client.force_login(in_english["agent2"])
    assert "Blamed Maria." not in client.get(reverse("calls:my_reviews")).content.decode()
    assert client.get(reverse("calls:review", args=[made.pk])).status_code == 404


def test_b11_the_manager_reads_every_team_s_reviews(client, in_english, call, now):
    review(in_english["lead"], call, now, comment="Fine.")
    client.force_login(in_english["manager"])
    response = client.get(reverse("calls:reviews"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-agent="agent1"' in page
    assert 'data-agent="agent5"' in page
    assert "calls-to-review" not in page  # the manager reads; the team lead reviews


# --- API ------------------------------------------------------------------------------------------


def api(client, token: str, method: str, body: object = None, **query: str):  # type: ignore[no-untyped-def]
    return client.generic(
        method,
        "/api/v1/reviews" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""),
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_b11_api_team_lead_reviews_and_the_agent_reads_it(client, in_english, call, token_for):
    lead = token_for(in_english["lead"])
    body = {"call_id": call.pk, "marks": marks(transfer="na", close="not_met"), "comment": "Ok"}
    created = api(client, lead, "POST", body)
    assert created.status_code == 201, created.content
    answer = created.json()
    assert (answer["agent"], answer["reviewer"], answer["met"], answer["not_met"]) == (
        "agent1",
        "lead",
        6,
        1,
    )
    assert answer["score"] == pytest.approx(6 / 7)
    again = api(client, lead, "POST", body)
    assert again.status_code == 422
    assert "reviewed already" in again.json()["detail"]
    own = api(client, token_for(in_english["agent1"]), "GET").json()
    assert [r["id"] for r in own["reviews"]] == [answer["id"]]
    assert api(client, token_for(in_english["agent2"]), "GET").json()["reviews"] == []
    narrowed = api(client, lead, "GET", agent="agent2").json()
    assert narrowed["reviews"] == []


def test_b11_api_refusals_are_json_with_the_right_status(client, in_english, call, token_for):
    lead = token_for(in_english["lead"])
    unknown = api(client, lead, "POST", {"call_id": call.pk, "marks": marks() | {"x": "met"}})
    assert unknown.status_code == 422
    assert isinstance(unknown.json()["detail"], str)
    breach = api(client, lead, "POST", {"call_id": call.pk, "marks": marks(colleagues="not_met")})
    assert breach.status_code == 409
    assert breach.json()["rule"] == "B11"
    agent = api(client, token_for(in_english["agent1"]), "POST", {"call_id": call.pk, "marks": {}})
    assert agent.status_code == 403
    other = answered_call(in_english["agent5"], call.answered_at)
    assert api(client, lead, "POST", {"call_id": other.pk, "marks": marks()}).status_code == 404
    assert not CallReview.objects.exists()
