"""The REST API under /api/v1/: bearer tokens or the browser session, one permission table."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.operation import Operation
from ninja.security import HttpBearer, django_auth

from hotline import clock
from hotline.accounts.models import User
from hotline.accounts.permissions import may_call_operation
from hotline.accounts.services import user_for_token
from hotline.core.refusal import PolicyRefusal
from hotline.core.rulebook import SETTINGS_BY_KEY, SettingError
from hotline.i18n import refusal_text, setting_error_text


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token, clock.now())
        if user is not None and user.language:
            translation.activate(user.language)  # answers speak the user's language
        return user


class HotlineAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Operation ids are the view names: the permission table is keyed by them.
        return operation.view_func.__name__


def enforce_permission_table(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = request.auth  # type: ignore[attr-defined]
        if not may_call_operation(user.role, view.__name__):
            raise PermissionDenied(_("Your role cannot use this operation."))
        request.user = user
        return view(request, *args, **kwargs)

    return guarded


api = HotlineAPI(
    title="Hotline API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), django_auth],
    description="Call floor, cases, dispatch and reports of an after-sales call centre.",
)
api.add_decorator(enforce_permission_table)


@api.exception_handler(PolicyRefusal)
def policy_refusal(request: HttpRequest, error: PolicyRefusal) -> HttpResponse:
    return api.create_response(
        request, {"rule": error.rule_id, "detail": refusal_text(error)}, status=409
    )


@api.exception_handler(SettingError)
def setting_error(request: HttpRequest, error: SettingError) -> HttpResponse:
    known = SETTINGS_BY_KEY.get(error.key)
    body = {
        "rule": known.rule if known else "",
        "setting": error.key,
        "detail": setting_error_text(error),
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    detail = str(error) or _("Your role cannot use this operation.")
    return api.create_response(request, {"detail": detail}, status=403)


@api.exception_handler(ObjectDoesNotExist)
def not_found(request: HttpRequest, error: ObjectDoesNotExist) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": " ".join(error.messages)}, status=422)


api.add_router("/", "hotline.accounts.api.router")
api.add_router("/rulebook", "hotline.rulebook.api.router")
api.add_router("/events", "hotline.audit.api.router")
api.add_router("/floor", "hotline.calls.api.router")
api.add_router("/cti", "hotline.calls.api.cti")
api.add_router("/tickets", "hotline.tickets.api.router")
api.add_router("/dispatch", "hotline.dispatch.api.router")
api.add_router("/provider", "hotline.dispatch.api.provider")
api.add_router("/notices", "hotline.notices.api.router")
api.add_router("/followups", "hotline.followup.api.router")
api.add_router("/portal", "hotline.portal.api.router")
api.add_router("/reports", "hotline.reports.api.router")
api.add_router("/workforce", "hotline.workforce.api.router")
