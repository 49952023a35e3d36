"""The agent's desk beside the call controls: the wrap-up (how the call ended, a note) and the
desk's panel answered with a message, for the actions of other apps that live on the desk (the
case pane's screen pop links). The screen pop and wrap-up partials: templatetags/desk_pop.py."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.calls.conflicts import CallConflict
from hotline.calls.models import Call
from hotline.calls.services.wrap_up import call_wrap_up_record
from hotline.calls.views import _desk_context
from hotline.core.refusal import PolicyRefusal
from hotline.i18n import conflict_text


def panel_response(
    request: HttpRequest,
    *,
    error: str = "",
    refusal: PolicyRefusal | None = None,
    status: int = 200,
) -> HttpResponse:
    """The desk's panel as it is now, with a message (bad input or a conflict) if any."""
    context = _desk_context(signed_in(request), refusal, error=error)
    return render(request, "calls/_desk_panel.html", context, status=status)


@require_POST
def wrap_up(request: HttpRequest, call_id: int) -> HttpResponse:
    """Save the wrap-up of the agent's own call: another's is a 404; an unknown code or a note
    too long a 400 with the message, nothing changed; a call still talking a 409."""
    me = signed_in(request)
    get_object_or_404(Call, pk=call_id, agent=me)
    try:
        call_wrap_up_record(
            actor=me,
            now=clock.now(),
            call_id=call_id,
            code=request.POST.get("code", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        return panel_response(request, error=" ".join(error.messages), status=400)
    except PolicyRefusal as refused:
        return panel_response(request, refusal=refused, status=409)
    except CallConflict as conflict:
        return panel_response(request, error=conflict_text(conflict), status=409)
    return panel_response(request)
