"""Workforce pages: rosters (generate, grid, edit, publish), staffing chart, leave, adherence.

Services decide; pages show. A refusal re-renders the page with the rule named (409); bad
input re-renders it with the error (422); another team's roster is a 404.
"""

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.permissions import may_open_view
from hotline.accounts.views import signed_in
from hotline.calls.selectors import SERVICE_LEVEL_THRESHOLD
from hotline.core.refusal import PolicyRefusal
from hotline.formatting import duration_text
from hotline.i18n import refusal_text
from hotline.rulebook.selectors import centre_time_zone
from hotline.workforce import planning, selectors
from hotline.workforce.forms import AdherenceForm, GenerateForm, LeaveForm, ShiftForm, first_error
from hotline.workforce.models import LeaveRequest, Roster, Shift
from hotline.workforce.services import (
    leave_decide,
    leave_request,
    roster_generate,
    roster_publish,
    shift_edit,
)
from hotline.workforce.templatetags.workforce import ACTIVITIES

FORM_SOLVE_SECONDS = 20.0
BREAK_KINDS = ("break", "lunch")
TABS = (
    ("workforce:leave", gettext_lazy("Leave")),
    ("workforce:rosters", gettext_lazy("Rosters")),
    ("workforce:adherence", gettext_lazy("Adherence")),
)


def _tabs(user: User) -> list[tuple[str, Any]]:
    return [(name, label) for name, label in TABS if may_open_view(user.role, name)]


def _int(raw: str | None, default: int) -> int:
    """A small whole number from a query string (a week or day index); `default` otherwise."""
    text = (raw or "").strip()
    if len(text) > 6:  # no index of a page is that long: int() of a huge text is slow
        return default
    try:
        return int(text)
    except ValueError:
        return default


def _minutes(raw: str | None) -> int | None:
    """HH:MM to minutes after midnight; None when it isn't a time."""
    try:
        hours, minutes = (raw or "").strip().split(":")
        h, m = int(hours), int(minutes)
    except ValueError:
        return None
    return h * 60 + m if 0 <= h <= 24 and 0 <= m < 60 and h * 60 + m <= 24 * 60 else None


def _refusal(refused: PolicyRefusal | None) -> dict[str, Any]:
    return {"refusal": refused, "refusal_text": refusal_text(refused) if refused else ""}


def _next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def _centre_today() -> date:
    """Today where the centre is, not in UTC (Sunday 23:30 in Sofia is not Sunday 21:30)."""
    return clock.now().astimezone(ZoneInfo(centre_time_zone())).date()


# --- rosters -------------------------------------------------------------------------------------


def rosters(
    request: HttpRequest,
    *,
    error: str = "",
    refused: PolicyRefusal | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in(request)
    context = {
        "rosters": selectors.rosters_for(user)[:50],
        "teams": selectors.teams_for(user),
        "next_monday": _next_monday(_centre_today()),
        "form": request.POST if request.method == "POST" else {},
        "error": error,
        "tabs": _tabs(user),
        **_refusal(refused),
    }
    return render(request, "workforce/rosters.html", context, status=status)


@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        return rosters(
            request,
            error=_("Choose a team, a Monday and a number of weeks.") + " " + first_error(form),
            status=422,
        )
    # Another team than one's own reads as no team at all: nothing said about it.
    team = selectors.teams_for(user).filter(pk=form.cleaned_data["team"]).first()
    first_monday, weeks = form.cleaned_data["first_monday"], form.cleaned_data["weeks"]
    if team is None:
        return rosters(
            request, error=_("Choose a team, a Monday and a number of weeks."), status=422
        )
    try:
        roster = roster_generate(
            actor=user,
            now=clock.now(),
            team=team,
            first_monday=first_monday,
            weeks=weeks,
            seconds=FORM_SOLVE_SECONDS,
        )
    except PolicyRefusal as refused:
        return rosters(request, refused=refused, status=409)
    messages.success(request, _("Roster generated as a draft: check it, then publish."))
    return redirect("workforce:roster", roster_id=roster.pk)


def _visible(user: User, roster_id: int) -> Roster:
    try:
        return selectors.roster_for(user, roster_id)
    except Roster.DoesNotExist:
        raise Http404 from None


def roster(
    request: HttpRequest,
    roster_id: int,
    *,
    error: str = "",
    refused: PolicyRefusal | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in(request)
    found = _visible(user, roster_id)
    week = min(max(_int(request.GET.get("week"), 0), 0), found.weeks - 1)
    days, rows = selectors.roster_grid(found, week)
    context = {
        "roster": found,
        "week": week,
        "weeks": range(found.weeks),
        "days": days,
        "rows": rows,
        "figures": found.figures,
        "may_edit": may_open_view(user.role, "workforce:shift_edit"),
        "error": error,
        "tabs": _tabs(user),
        **_refusal(refused),
    }
    return render(request, "workforce/roster.html", context, status=status)


@require_POST
def publish(request: HttpRequest, roster_id: int) -> HttpResponse:
    user = signed_in(request)
    found = _visible(user, roster_id)
    try:
        roster_publish(actor=user, now=clock.now(), roster_id=found.pk)
    except PolicyRefusal as refused:
        return roster(request, found.pk, refused=refused, status=409)
    messages.success(request, _("Roster published."))
    return redirect("workforce:roster", roster_id=found.pk)


def _break_kinds() -> dict[str, str]:
    """The kinds of break as the reader writes them (the page shows them in their language),
    and as stored, which is also what the API and older pages say."""
    kinds = {kind: kind for kind in BREAK_KINDS}
    kinds.update({str(ACTIVITIES[kind]).casefold(): kind for kind in BREAK_KINDS})
    return kinds


def _breaks(raw: str) -> list[tuple[str, int, int]] | None:
    """Lines of "kind HH:MM-HH:MM" (kind: break or lunch, or their name in the reader's
    language); None when one can't be read."""
    kinds = _break_kinds()
    found = []
    for line in raw.replace(";", "\n").splitlines():
        if not line.strip():
            continue
        try:
            name, span = line.strip().rsplit(maxsplit=1)
            begin, end = span.split("-")
        except ValueError:
            return None
        kind = kinds.get(" ".join(name.split()).casefold())
        b, e = _minutes(begin), _minutes(end)
        if kind is None or b is None or e is None:
            return None
        found.append((kind, b, e))
    return found


@require_POST
def edit_shift(request: HttpRequest, shift_id: int) -> HttpResponse:
    user = signed_in(request)
    shift = Shift.objects.filter(pk=shift_id, roster__in=selectors.rosters_for(user)).first()
    if shift is None:
        raise Http404
    form = ShiftForm(request.POST)
    if not form.is_valid():
        return roster(request, shift.roster_id, error=first_error(form), status=422)
    data = form.cleaned_data
    prep, start, end = (_minutes(data[k]) for k in ("prep_start", "start", "end"))
    breaks = _breaks(data["breaks"]) if "breaks" in request.POST else None
    if (
        prep is None
        or start is None
        or end is None
        or ("breaks" in request.POST and breaks is None)
    ):
        return roster(
            request,
            shift.roster_id,
            error=_('Times are HH:MM; breaks "break 10:00-10:15".'),
            status=422,
        )
    try:
        shift_edit(
            actor=user,
            now=clock.now(),
            shift_id=shift.pk,
            prep_start=prep,
            start=start,
            end=end,
            breaks=breaks,
        )
    except PolicyRefusal as refused:
        return roster(request, shift.roster_id, refused=refused, status=409)
    messages.success(request, _("Shift changed; the roster still keeps every rule."))
    return redirect("workforce:roster", roster_id=shift.roster_id)


def staffing(request: HttpRequest, roster_id: int) -> HttpResponse:
    user = signed_in(request)
    found = _visible(user, roster_id)
    day = min(max(_int(request.GET.get("day"), 0), 0), found.weeks * 7 - 1)
    chart = selectors.staffing_chart(found, day)
    context = {
        "roster": found,
        "day": day,
        "day_date": found.first_monday + timedelta(days=day),
        "days": [(d, found.first_monday + timedelta(days=d)) for d in range(found.weeks * 7)],
        "chart": chart,
        "target": {
            "share": round(planning.SERVICE_LEVEL * 100),
            "within": duration_text(SERVICE_LEVEL_THRESHOLD),
            "wait_share": round(planning.A2_SHARE * 100),
            "wait": duration_text(chart.max_wait),
        },
        "svg": selectors.chart_svg(chart),
        "tabs": _tabs(user),
        "rows": list(
            zip(chart.labels, chart.forecast, chart.required, chart.scheduled, strict=False)
        ),
    }
    return render(request, "workforce/staffing.html", context)


# --- leave ---------------------------------------------------------------------------------------


def leave(
    request: HttpRequest,
    *,
    error: str = "",
    refused: PolicyRefusal | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in(request)
    context = {
        "mine": selectors.own_leave(user)[:50],
        "to_decide": selectors.leave_to_decide(user),
        "may_ask": may_open_view(user.role, "workforce:leave_ask") and user.team_id is not None,
        "form": request.POST if request.method == "POST" else {},
        "error": error,
        "tabs": _tabs(user),
        **_refusal(refused),
    }
    return render(request, "workforce/leave.html", context, status=status)


@require_POST
def leave_ask(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    form = LeaveForm(request.POST)
    if not form.is_valid():
        return leave(request, error=first_error(form), status=422)
    try:
        leave_request(
            actor=user,
            now=clock.now(),
            first_day=form.cleaned_data["first_day"],
            last_day=form.cleaned_data["last_day"],
            reason=form.cleaned_data["reason"],
        )
    except PolicyRefusal as refused:
        return leave(request, refused=refused, status=409)
    messages.success(request, _("Leave asked for; your team lead decides."))
    return redirect("workforce:leave")


@require_POST
def leave_decision(request: HttpRequest, leave_id: int) -> HttpResponse:
    user = signed_in(request)
    try:
        found = selectors.leave_visible(user, leave_id)
    except LeaveRequest.DoesNotExist:
        raise Http404 from None
    choice = request.POST.get("decision", "")
    if choice not in ("approve", "refuse"):
        return leave(request, error=_("Approve or refuse."), status=422)
    try:
        leave_decide(actor=user, now=clock.now(), leave_id=found.pk, approve=choice == "approve")
    except PolicyRefusal as refused:
        return leave(request, refused=refused, status=409)
    messages.success(request, _("Leave decided."))
    return redirect("workforce:leave")


# --- adherence -----------------------------------------------------------------------------------


def adherence(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    teams = selectors.teams_for(user)
    form = AdherenceForm(request.GET)
    valid = form.is_valid()
    asked = form.cleaned_data if valid else {}
    team = teams.filter(pk=asked.get("team") or 0).first() or teams.first()
    now = clock.now()
    rows: list[selectors.AdherenceRow] = []
    day = None
    if team is not None:
        today = now.astimezone(planning.team_zone(team)).date()
        day = min(asked.get("day") or today, today)
        rows = selectors.team_adherence(team, day, now)
    context = {
        "teams": teams,
        "team": team,
        "day": day,
        "rows": rows,
        "tabs": _tabs(user),
        "error": "" if valid else first_error(form),
    }
    return render(request, "workforce/adherence.html", context, status=200 if valid else 422)
