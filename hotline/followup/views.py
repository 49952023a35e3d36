"""The follow-up list and call page (C6 / D12). Services decide; pages show.

A refusal re-renders the page with the rule named (409); bad input re-renders it with the
error (422) and keeps what was typed; a follow-up the user may not see is a 404.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.permissions import may_open_view
from hotline.accounts.views import signed_in
from hotline.calls.dialling import desk_dialling
from hotline.core.followup import SCORES
from hotline.core.refusal import PolicyRefusal
from hotline.dispatch.bounds import NOTE_MAX
from hotline.dispatch.selectors import work_order_visible
from hotline.followup.models import FollowUp
from hotline.followup.numbers import followup_number
from hotline.followup.selectors import FILTERS, followup_for, followup_list
from hotline.followup.services import followup_record, followup_release, followup_take
from hotline.i18n import refusal_text
from hotline.paging import page_number
from hotline.rulebook.selectors import centre_time_zone
from hotline.tickets.selectors import tickets_for


def followups(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    which = request.GET.get("filter", "due")
    which = which if which in FILTERS else "due"
    page = page_number(request)
    rows, has_next = followup_list(user, which, page, now=clock.now())
    context = {
        "rows": rows,
        "filter": which,
        "page": page,
        "has_next": has_next,
        "centre_tz": centre_time_zone(),
    }
    return render(request, "followup/list.html", context)


def _visible(user: User, followup_id: int) -> FollowUp:
    try:
        return followup_for(user, followup_id)
    except FollowUp.DoesNotExist:
        raise Http404 from None


def detail(request: HttpRequest, followup_id: int) -> HttpResponse:
    user = signed_in(request)
    return _page(request, user, _visible(user, followup_id))


def _page(
    request: HttpRequest,
    user: User,
    found: FollowUp,
    *,
    error: str = "",
    refusal: PolicyRefusal | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "f": found,
        "order": found.work_order,
        "copy": found.work_order.ticket_copy,
        # links only where the reader may go: an agent opens their own cases only
        "case_link": tickets_for(user).filter(pk=found.ticket.pk).exists(),
        "order_link": work_order_visible(user, found.work_order_id),
        "may_act": may_open_view(user.role, "followup:act"),
        "mine": found.taken_by_id == user.pk,
        "scores": list(SCORES),
        "form": request.POST if request.method == "POST" else {},
        "note_max": NOTE_MAX,
        "error": error,
        "refusal": refusal,
        "refusal_text": refusal_text(refusal) if refusal else "",
        "centre_tz": centre_time_zone(),
        # Its number dialled by the desk's softphone through the trunk (C6; voice/_dial.html).
        "dialling": desk_dialling(),
        "dial_number": followup_number(found),
    }
    return render(request, "followup/detail.html", context, status=status)


def _score(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        return None


def _resolved(raw: str) -> bool | None:
    return {"yes": True, "no": False}.get(raw)


@require_POST
def act(request: HttpRequest, followup_id: int) -> HttpResponse:
    """Take, put back (no answer) or record the result of one follow-up call."""
    user = signed_in(request)
    found = _visible(user, followup_id)
    action = request.POST.get("action", "")
    now = clock.now()
    if any(len(value) > NOTE_MAX for value in request.POST.values()):
        error = _("The text is too long: at most %(max)s characters.") % {"max": NOTE_MAX}
        return _page(request, user, found, error=error, status=422)  # kept as typed
    try:
        if action == "take":
            followup_take(actor=user, now=now, followup_id=found.pk)
            messages.success(
                request, _("Follow-up %(number)s is yours to call.") % {"number": found.number}
            )
        elif action == "release":
            followup_release(
                actor=user, now=now, followup_id=found.pk, note=request.POST.get("note", "")
            )
            messages.success(request, _("Put back on the list."))
            return redirect("followup:list")
        elif action == "record":
            done = followup_record(
                actor=user,
                now=now,
                followup_id=found.pk,
                score=_score(request.POST.get("score", "")),
                reason=request.POST.get("reason", ""),
                resolved=_resolved(request.POST.get("resolved", "")),
            )
            if done.second_dispatch is not None:
                messages.success(
                    request,
                    _("Case %(ticket)s reopened; second visit %(order)s sent to %(provider)s.")
                    % {
                        "ticket": done.ticket.number,
                        "order": done.second_dispatch.number,
                        "provider": done.second_dispatch.provider.name,
                    },
                )
            elif done.resolved is False:
                messages.warning(
                    request,
                    _(
                        "Case %(ticket)s reopened. No provider of the region has room now (D3): "
                        "it waits on the dispatcher's board as a second dispatch."
                    )
                    % {"ticket": done.ticket.number},
                )
            else:
                messages.success(request, _("Follow-up recorded."))
        else:
            return _page(request, user, found, error=_("Unknown action."), status=422)
    except PolicyRefusal as refused:
        found = _visible(user, followup_id)
        return _page(request, user, found, refusal=refused, status=409)
    except FollowUp.DoesNotExist:
        raise Http404 from None
    return redirect("followup:detail", followup_id=found.pk)
