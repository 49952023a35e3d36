from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hotline import clock
from hotline.accounts.models import ApiToken, Site, Team, User
from hotline.accounts.services import api_token_revoke
from hotline.accounts.signin import signin_unlock

HOTLINE_FIELDS = ("role", "team", "provider", "customer", "language")


@admin.register(User)
class HotlineUserAdmin(UserAdmin[User]):
    list_display = (
        "username",
        "first_name",
        "last_name",
        "role",
        "team",
        "provider",
        "customer",
        "is_active",
    )
    list_filter = ("role", "team", "is_active")
    actions = ("unlock_signin",)
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Hotline"), {"fields": HOTLINE_FIELDS}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Hotline"), {"fields": HOTLINE_FIELDS}),
    )

    @admin.action(description=_("Lift the sign-in lockout of the selected users"))
    def unlock_signin(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        assert isinstance(request.user, User)
        now = clock.now()
        unlocked = [
            user.username
            for user in queryset
            if signin_unlock(actor=request.user, now=now, username=user.username)
        ]
        self.message_user(
            request,
            ngettext("%(count)d user unlocked.", "%(count)d users unlocked.", len(unlocked))
            % {"count": len(unlocked)},
            messages.SUCCESS,
        )


class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ("name", "site")


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin[Site]):
    list_display = ("name", "calendar")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are made with `hotline token create`; here they can only be looked at."""

    list_display = (
        "prefix",
        "user",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    exclude = ("digest",)
    actions = ("revoke",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False  # revoked, never deleted: its events keep pointing at it

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        assert isinstance(request.user, User)
        now = clock.now()
        for token in queryset:
            api_token_revoke(actor=request.user, now=now, token=token)
        self.message_user(request, _("Tokens revoked."), messages.SUCCESS)
