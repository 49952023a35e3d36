from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hotline.audit.models import Event
from hotline.audit.selectors import events_for_supervisor


def event_list(request: HttpRequest) -> HttpResponse:
    entity = request.GET.get("entity", "")
    rule = request.GET.get("rule", "")
    page = Paginator(events_for_supervisor(entity=entity, rule=rule), 50).get_page(
        request.GET.get("page")
    )
    entities = Event.objects.order_by("entity").values_list("entity", flat=True).distinct()
    return render(
        request,
        "audit/list.html",
        {"page": page, "entity": entity, "rule": rule, "entities": list(entities)},
    )
