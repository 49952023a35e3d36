"""The first middleware of every request: its id, its latency, and the probes.

The probes and /metrics are answered here, before the rest of the stack: the load balancer and
Prometheus reach an app process directly (its own address as Host, plain HTTP), which
ALLOWED_HOSTS and the HTTPS redirect (HOTLINE_HTTPS) would otherwise refuse; and they need no
session, language or CSRF. They are no Django URLs, hence not in the permission table
(hotline/accounts/permissions.py): public by design, and they tell nothing but states.

Every other request costs a few microseconds here and never the database: an id, a clock read
before and after, one histogram observation (tested: hotline/ops/tests/test_metrics.py)."""

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from hotline.ops.health import healthz, readyz
from hotline.ops.logs import REQUEST_ID, REQUEST_ID_HEADER, request_id_from
from hotline.ops.metrics import metrics, observe

PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": healthz,
    "/readyz": readyz,
    "/metrics": metrics,
}
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "<unmatched>"  # no route matched: 404s, whatever their path, count as one


class RequestObservationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        # Not reset on the way out: Django logs a 4xx/5xx answer after the middleware returned;
        # request_finished (hotline/ops/apps.py) clears it once the answer is sent.
        REQUEST_ID.set(request_id)
        probe = PROBES.get(request.path_info)
        if probe is not None:
            route = request.path_info
            response = probe(request)
        else:
            response = self.get_response(request)
            match = request.resolver_match
            route = "/" + match.route if match is not None else UNMATCHED
        response[REQUEST_ID_HEADER] = request_id
        method = request.method if request.method in METHODS else "other"
        observe(route, str(method), response.status_code, time.perf_counter() - started)
        return response
