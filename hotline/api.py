"""The REST API under /api/v1/: bearer tokens or the browser session, one permission table."""

from collections.abc import Callable
from functools import wraps
from inspect import iscoroutinefunction
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.parser import Parser
from ninja.security import HttpBearer, django_auth
from pydantic import BaseModel

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


class JsonObjectParser(Parser):
    """Every request body of the API is a JSON object. Anything else is refused as unreadable
    (400), like malformed JSON: ninja's Schema would read fields off a list or a string as
    attributes, so `[null]` passed for `{}` and `"pdf"` for `{"format": "pdf"}`."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the request body is not a JSON object")
        return data


class ApiError(Schema):
    """The body of every error answer (README, API)."""

    detail: str | list[dict[str, Any]]  # a sentence, or the fields that failed validation
    rule: str = ""  # the rule that refused (409) or whose setting was given a bad value (422)
    setting: str = ""


# Any operation may answer these; the OpenAPI says so, with the body above.
ERROR_RESPONSES = {
    400: "The body is not a JSON object.",
    401: "No valid bearer token or session.",
    403: "The user's role may not use this operation.",
    404: "No such object, or none the user may see.",
    409: "Refused by a rule of the rulebook, which `rule` names.",
    422: "A bad value: `detail` says why, or lists the fields that failed validation.",
}


def _json_405(response: HttpResponseBase) -> HttpResponseBase:
    if response.status_code != 405 or "json" in response.get("Content-Type", ""):
        return response
    # ninja's own words, as JSON like every other error; Allow still names the methods there are
    answer = JsonResponse({"detail": response.content.decode()}, status=405)  # type: ignore[attr-defined]
    answer["Allow"] = response["Allow"]
    return answer


def answer_405_as_json(view: Callable[..., Any]) -> Callable[..., Any]:
    """ninja answers a method a path does not have with a plain-text 405, before any operation
    (and its exception handlers) runs."""
    if iscoroutinefunction(view):

        @wraps(view)
        async def asynchronous(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            return _json_405(await view(request, *args, **kwargs))

        return asynchronous

    @wraps(view)
    def synchronous(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return _json_405(view(request, *args, **kwargs))

    return synchronous


class HotlineAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Operation ids are the view names: the permission table is keyed by them.
        return operation.view_func.__name__

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = answer_405_as_json(pattern.callback)
        return patterns, app_name, namespace

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"]["schemas"]["ApiError"] = ApiError.json_schema()
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, description in ERROR_RESPONSES.items():
                    if status == 400 and "requestBody" not in operation:
                        continue
                    answer = {"description": description, "content": body}
                    operation["responses"].setdefault(status, answer)
        return schema


def enforce_permission_table(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = request.auth  # type: ignore[attr-defined]
        if not may_call_operation(user.role, view.__name__):
            raise PermissionDenied(_("Your role cannot use this operation."))
        request.user = user
        return view(request, *args, **kwargs)

    return guarded


_no_null_characters = ProhibitNullCharactersValidator()


def _check_no_null_characters(value: Any) -> None:
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if isinstance(value, dict):
        for key, item in value.items():
            _check_no_null_characters(key)
            _check_no_null_characters(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_no_null_characters(item)
    elif isinstance(value, str):
        _no_null_characters(value)


def refuse_null_characters(view: Callable[..., Any]) -> Callable[..., Any]:
    """PostgreSQL stores no NUL character in text or JSON (a server error), so no input may
    carry one: a 422 with Django's own words, as its forms answer."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        _check_no_null_characters(kwargs)
        return view(request, *args, **kwargs)

    return checked


api = HotlineAPI(
    title="Hotline API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), django_auth],
    parser=JsonObjectParser(),
    description="Call floor, cases, dispatch and reports of an after-sales call centre.",
)
api.add_decorator(enforce_permission_table)
api.add_decorator(refuse_null_characters)  # outermost: input is checked before the role


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
api.add_router("/cti", "hotline.calls.cti_api.cti")
api.add_router("/reviews", "hotline.calls.reviews_api.router")
api.add_router("/tickets", "hotline.tickets.api.router")
api.add_router("/dispatch", "hotline.dispatch.api.router")
api.add_router("/provider", "hotline.dispatch.api.provider")
api.add_router("/notices", "hotline.notices.api.router")
api.add_router("/followups", "hotline.followup.api.router")
api.add_router("/portal", "hotline.portal.api.router")
api.add_router("/reports", "hotline.reports.api.router")
api.add_router("/workforce", "hotline.workforce.api.router")
