from django.contrib import admin

from hotline.rulebook.models import Calendar, Holiday, RuleValue


class HolidayInline(admin.TabularInline[Holiday, Calendar]):
    model = Holiday
    extra = 1


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin[Calendar]):
    list_display = ("name", "time_zone", "working_days")
    inlines = [HolidayInline]


@admin.register(RuleValue)
class RuleValueAdmin(admin.ModelAdmin[RuleValue]):
    """Read-only: numbers change on the Rulebook page, which validates and audits each change."""

    list_display = ("key", "scope", "scope_ref", "value", "changed_at", "changed_by")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
