from django.contrib import admin
from django.http import HttpRequest

from hotline.calls.models import CtiDelivery, Queue


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin[Queue]):
    list_display = ("code", "name", "team")


@admin.register(CtiDelivery)
class CtiDeliveryAdmin(admin.ModelAdmin[CtiDelivery]):
    """What was pushed to the PBX, and why a push still waits (its last error). Read only: the
    sender owns these rows."""

    list_display = (
        "id",
        "sequence",
        "created_at",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "given_up_at",
        "last_error",
    )
    ordering = ("-id",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
