"""The REST API under /api/v1/: bearer tokens or the browser session, one permission table."""

import logging
from collections.abc import Callable
from functools import wraps
from inspect import iscoroutinefunction
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    ValidationError,
)
from django.core.signals import got_request_exception
from django.core.validators import ProhibitNullCharactersValidator
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.template.defaultfilters import filesizeformat
from django.urls import URLPattern, URLResolver, re_path
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationErrorContext
from ninja.errors import ValidationError as InputError
from ninja.openapi.schema import OpenAPISchema
from ninja.openapi.views import openapi_json
from ninja.operation import Operation
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth
from pydantic import BaseModel

from hotline import clock
from hotline.accounts.forms import client_address
from hotline.accounts.models import User
from hotline.accounts.permissions import may_call_operation
from hotline.accounts.services import user_for_token
from hotline.accounts.signin import token_address_locked, token_failed
from hotline.api_errors import (
    no_such_path,
    not_found_answer,
    readable_errors,
    speak_the_token_users_language,
)
from hotline.calls.conflicts import CallConflict
from hotline.core.refusal import PolicyRefusal
from hotline.core.rulebook import SETTINGS_BY_KEY, SettingError
from hotline.i18n import conflict_text, refusal_text, setting_error_text
from hotline.storage import storage_full_response, storage_refuses_writes


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        now, address = clock.now(), client_address(request)
        if token_address_locked(now=now, address=address):
            return None  # too many bad tokens from here: the API's 401, as for a bad one
        user = user_for_token(token, now)
        if user is None:
            token_failed(now=now, address=address)
        elif user.language:
            translation.activate(user.language)  # answers speak the user's language
        return user


class SignedInSession(SessionAuth):
    """The browser session, for the pages' scripts. Without a signed-in user there is nothing to
    check a CSRF token for: the answer is the API's 401, as without a bearer token. A signed-in
    user's write without the CSRF token is refused with the API's 403 JSON, in their language
    (ninja raised an English "CSRF check Failed")."""

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        try:
            return super().__call__(request)
        except HttpError as refused:
            raise PermissionDenied(_("CSRF verification failed. Request aborted.")) from refused


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
    413: "The body is larger than the server takes (DATA_UPLOAD_MAX_MEMORY_SIZE).",
    422: "A bad value: `detail` says why, or lists the fields that failed validation.",
}


# Answers with a body only: a GET has none to be unreadable or too large.
BODY_ERRORS = (400, 413)


def _json_405(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    if response.status_code != 405 or "json" in response.get("Content-Type", ""):
        return response
    # JSON like every other error, in the reader's language; Allow still names the methods
    speak_the_token_users_language(request)
    detail = _("This path has no %(method)s operation.") % {"method": request.method}
    answer = JsonResponse({"detail": detail}, status=405)
    answer["Allow"] = response["Allow"]
    return answer


def answer_405_as_json(view: Callable[..., Any]) -> Callable[..., Any]:
    """ninja answers a method a path does not have with a plain-text 405, before any operation
    (and its exception handlers) runs."""
    if iscoroutinefunction(view):

        @wraps(view)
        async def asynchronous(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            response = await view(request, *args, **kwargs)
            if response.status_code != 405:
                return response
            return await sync_to_async(_json_405)(request, response)  # it reads the token

        return asynchronous

    @wraps(view)
    def synchronous(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return _json_405(request, view(request, *args, **kwargs))

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
        # Last: a path that names no operation is the API's JSON 404, not Django's HTML page.
        patterns = [*patterns, re_path(r"^(?P<rest>.*)$", no_such_path, name="no_such_path")]
        return patterns, app_name, namespace

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> InputError:
        """ninja's list of failed fields, each `msg` in the reader's language."""
        errors = []
        for context in error_contexts:
            model = context.model
            for error in context.pydantic_validation_error.errors(include_url=False):
                found = dict(error)
                flat = model.__ninja_flatten_map_reverse__.get(error["loc"], error["loc"])
                found["loc"] = (model.__ninja_param_source__, *flat)
                errors.append(found)
        return InputError(readable_errors(errors))

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"]["schemas"]["ApiError"] = ApiError.json_schema()
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, description in ERROR_RESPONSES.items():
                    if status in BODY_ERRORS and "requestBody" not in operation:
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


def docs_for_signed_in_users(view: Callable[..., Any]) -> Callable[..., Any]:
    """ninja's docs_decorator wraps both /openapi.json and /docs. The OpenAPI stays public (the
    API's contract, read by clients and tests); Swagger UI, a page that can call every
    operation, is for signed-in users: anyone else is sent to sign in first."""
    if getattr(view, "func", None) is openapi_json:
        return view

    @wraps(view)
    def signed_in(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return view(request, *args, **kwargs)

    return signed_in


api = HotlineAPI(
    title="Hotline API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), SignedInSession()],
    parser=JsonObjectParser(),
    description="Call floor, cases, dispatch and reports of an after-sales call centre.",
    # Swagger UI comes from ninja's own static files, pinned with django-ninja, because
    # "ninja" is in INSTALLED_APPS (without it, ninja's page loads it from a public CDN).
    docs_decorator=docs_for_signed_in_users,
)
api.add_decorator(enforce_permission_table)
api.add_decorator(refuse_null_characters)  # outermost: input is checked before the role


logger = logging.getLogger("django.request")


@api.exception_handler(Exception)
def server_error(request: HttpRequest, error: Exception) -> HttpResponse:
    """A bug is still answered in the API's shape (Django's was an HTML page), logged and
    signalled as Django does for any view. DEBUG keeps Django's page with the traceback."""
    if settings.DEBUG:
        raise error
    logger.error(
        "Internal Server Error: %s",
        request.path,
        exc_info=error,
        extra={"status_code": 500, "request": request},
    )
    got_request_exception.send(sender=None, request=request)
    detail = _("Something went wrong on our side. It has been logged; please try again later.")
    return api.create_response(request, {"detail": detail}, status=500)


@api.exception_handler(DatabaseError)
def database_error(request: HttpRequest, error: DatabaseError) -> HttpResponse:
    """A full or read-only disk under the database is no bug: a 503 that says so."""
    if storage_refuses_writes(error):
        return storage_full_response(request)
    return server_error(request, error)


@api.exception_handler(PolicyRefusal)
def policy_refusal(request: HttpRequest, error: PolicyRefusal) -> HttpResponse:
    return api.create_response(
        request, {"rule": error.rule_id, "detail": refusal_text(error)}, status=409
    )


@api.exception_handler(CallConflict)
def call_conflict(request: HttpRequest, error: CallConflict) -> HttpResponse:
    """The call's state does not allow it: no rule is at stake, so none is named."""
    body = {"rule": "", "detail": conflict_text(error), "state": error.state}
    return api.create_response(request, body, status=409)


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
@api.exception_handler(Http404)  # get_object_or_404; ninja's own answer was English "Not Found"
def not_found(request: HttpRequest, error: Exception) -> HttpResponse:
    return not_found_answer(request)


@api.exception_handler(AuthenticationError)
def not_signed_in(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    detail = _("Send a valid API token (Authorization: Bearer ...) or sign in first.")
    return api.create_response(request, {"detail": detail}, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    """Our own HttpErrors carry a translated sentence. ninja raises one only for a body it
    cannot read (400), in English."""
    detail = error.message
    if error.status_code == 400:
        detail = _("The request body is not a JSON object.")
    return api.create_response(request, {"detail": detail}, status=error.status_code)


@api.exception_handler(RequestDataTooBig)
def body_too_large(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    """Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE; its answer was an HTML
    400. The API's is a 413 in its one shape."""
    limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    detail = _("The request body is larger than %(limit)s.") % {"limit": limit}
    return api.create_response(request, {"detail": detail}, status=413)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": " ".join(error.messages)}, status=422)


api.add_router("/", "hotline.accounts.api.router")
api.add_router("/rulebook", "hotline.rulebook.api.router")
api.add_router("/events", "hotline.audit.api.router")
api.add_router("/floor", "hotline.calls.api.router")
api.add_router("/floor", "hotline.calls.overrides_api.router")
api.add_router("/cti", "hotline.calls.cti_api.cti")
api.add_router("/voice", "hotline.voice.api.router")
api.add_router("/voice/listen", "hotline.voice.listen_api.router")
api.add_router("/voice/transfers", "hotline.voice.transfer_api.router")
api.add_router("/reviews", "hotline.calls.reviews_api.router")
api.add_router("/tickets", "hotline.tickets.api.router")
api.add_router("/dispatch", "hotline.dispatch.api.router")
api.add_router("/provider", "hotline.dispatch.api.provider")
api.add_router("/notices", "hotline.notices.api.router")
api.add_router("/followups", "hotline.followup.api.router")
api.add_router("/portal", "hotline.portal.api.router")
api.add_router("/reports", "hotline.reports.api.router")
api.add_router("/workforce", "hotline.workforce.api.router")
api.add_router("/imports", "hotline.imports.api.router")
