from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from hotline.accounts.models import ApiToken, Site, Team, User

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
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Hotline"), {"fields": HOTLINE_FIELDS}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Hotline"), {"fields": HOTLINE_FIELDS}),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ("name", "site")


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin[Site]):
    list_display = ("name", "calendar")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are made with `hotline token create`; here they can only be looked at."""

    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("digest",)

    def has_add_permission(self, request: object) -> bool:
        return False
