"""The event log page: each event as a sentence, in the reader's language and the centre's time
zone (the middleware of the rulebook app activates it), with filters that keep to the pager."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from hotline import clock
from hotline.audit.forms import EventFilterForm
from hotline.audit.models import Event
from hotline.audit.selectors import events_for_supervisor
from hotline.audit.sentences import actor_words, names_for, sentence
from hotline.core.rulebook import SETTINGS_BY_KEY
from hotline.formatting import local_or_utc
from hotline.paging import page_of

PAGE_SIZE = 50

# Who may read an event's raw payload (old/new as stored): the accounts app, a layer above,
# registers its permission check in AppConfig.ready(). Nobody until it does.
_payload_readers: list[Callable[[Any], bool]] = []


def payload_readers(check: Callable[[Any], bool]) -> None:
    _payload_readers[:] = [check]


def may_read_payload(user: Any) -> bool:
    return bool(_payload_readers) and _payload_readers[0](user)


@dataclass(frozen=True)
class Row:
    event: Event
    rule_title: str
    local: datetime  # the event's time in the centre's zone
    today: bool
    who: str
    what: str
    payload: str  # old/new as JSON, for admins; "" for everyone else


def _payload(event: Event) -> str:
    if event.old is None and event.new is None:
        return ""
    return json.dumps({"old": event.old, "new": event.new}, ensure_ascii=False, indent=1)


def rule_titles() -> dict[str, str]:
    """What each rule is about, as far as the rulebook says: the labels of its settings, in the
    reader's language (a rule without a setting has no title)."""
    titles: dict[str, list[str]] = {}
    for setting in SETTINGS_BY_KEY.values():
        titles.setdefault(setting.rule, []).append(gettext(setting.label))
    return {rule: " · ".join(labels) for rule, labels in titles.items()}


def event_list(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET)
    events: list[Event] = []
    has_next = False
    page = 1
    if form.is_valid():
        page = form.cleaned_data.get("page") or 1
        selected = events_for_supervisor(**form.selection(timezone.get_current_timezone_name()))
        events, has_next = page_of(selected, page, PAGE_SIZE)
    today = local_or_utc(clock.now()).date()
    names = names_for(events)
    admin = may_read_payload(request.user)
    titles = rule_titles()
    rows = []
    for event in events:
        local = local_or_utc(event.at)
        rows.append(
            Row(
                event,
                titles.get(event.rule, ""),
                local,
                local.date() == today,
                actor_words(event),
                sentence(event, names),
                _payload(event) if admin else "",
            )
        )
    query = request.GET.copy()
    query.pop("page", None)
    keep = f"{query.urlencode()}&" if query else ""
    context = {
        "form": form,
        "rows": rows,
        "page": page,
        "has_next": has_next,
        "keep": keep,
    }
    return render(request, "audit/list.html", context)
