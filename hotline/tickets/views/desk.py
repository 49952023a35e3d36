"""The case's side of the agent's desk: linking the call on the phone to an existing case from
the screen pop (E4). The case form itself opens beside the call in the desk's case pane: the
case pages render without the site's frame there (`views.common.page_base`)."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.accounts.views import signed_in
from hotline.calls.conflicts import CallConflict
from hotline.calls.desk_views import panel_response
from hotline.core.refusal import PolicyRefusal
from hotline.i18n import conflict_text
from hotline.tickets.selectors import cases_to_link
from hotline.tickets.services.call_link import ticket_link_call
from hotline.tickets.views.cases import _own_call
from hotline.tickets.views.common import visible_ticket


@require_POST
def link_call(request: HttpRequest, call_id: int) -> HttpResponse:
    """One click in the screen pop: this call is about that case. Someone else's call, or a
    case that is not the caller's (nor, for an unknown caller, one the agent may open) is a
    404, nothing changed; the desk's panel comes back with the link shown."""
    me = signed_in(request)
    call = _own_call(me, str(call_id))
    assert call is not None
    case_id = request.POST.get("case", "")
    if not case_id.isdigit():
        return HttpResponse(status=400)
    if call.customer is not None:
        # E4: any case of the caller, as the new-ticket form's "this call is about" offers
        # them (D11 keeps the case with its owner: linking changes nothing of it).
        ticket = get_object_or_404(cases_to_link(call.customer), pk=int(case_id))
    else:  # a caller nobody's account was recognised on: only the cases the agent may open
        ticket = visible_ticket(me, int(case_id))
    try:
        ticket_link_call(actor=me, now=clock.now(), ticket=ticket, call=call)
    except PolicyRefusal as refused:
        return panel_response(request, refusal=refused, status=409)
    except CallConflict as conflict:
        return panel_response(request, error=conflict_text(conflict), status=409)
    except ValidationError:
        raise Http404 from None
    return panel_response(request)
