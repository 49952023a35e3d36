"""The notices page: what was sent to me, and the phone calls and faxes still to make (D3)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hotline import clock
from hotline.accounts.permissions import NOTICE_LOGGERS
from hotline.accounts.views import signed_in
from hotline.core.refusal import PolicyRefusal
from hotline.i18n import refusal_text
from hotline.notices.models import Notice
from hotline.notices.selectors import notices_page, notices_to_log
from hotline.notices.services import notice_mark_logged
from hotline.paging import page_number
from hotline.rulebook.selectors import centre_time_zone


def notice_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    page = page_number(request)
    found, has_next = notices_page(user, page)
    context = {
        "notices": found,
        "page": page,
        "has_next": has_next,
        "can_log": user.role in NOTICE_LOGGERS,
        "to_log": notices_to_log(user),
        "centre_tz": centre_time_zone(),
    }
    return render(request, "notices/list.html", context)


@require_POST
def mark_logged(request: HttpRequest, notice_id: int) -> HttpResponse:
    try:
        notice_mark_logged(actor=signed_in(request), now=clock.now(), notice_id=notice_id)
    except Notice.DoesNotExist:
        raise Http404 from None
    except PolicyRefusal as refused:
        messages.error(request, f"{refused.rule_id}: {refusal_text(refused)}")
    else:
        messages.success(request, _("Marked as made by hand."))
    return redirect("notices:list")
