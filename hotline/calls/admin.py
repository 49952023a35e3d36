from django.contrib import admin

from hotline.calls.models import Queue


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin[Queue]):
    list_display = ("code", "name", "team")
