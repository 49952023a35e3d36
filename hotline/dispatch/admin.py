from django.contrib import admin

from hotline.dispatch.models import Provider, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ("code", "name")


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin[Provider]):
    list_display = ("name", "capacity", "channel", "language")
    filter_horizontal = ("regions",)
