from django.contrib import admin

from hotline.directory.models import Customer, CustomerSite, Provider, Region, SlaContract


class SiteInline(admin.TabularInline[CustomerSite, Customer]):
    model = CustomerSite
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ("name", "phone", "language")
    search_fields = ("name", "phone")
    inlines = [SiteInline]


@admin.register(SlaContract)
class SlaContractAdmin(admin.ModelAdmin[SlaContract]):
    list_display = ("name", "customer", "order", "priority", "response_within", "resolution_within")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ("code", "name")


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin[Provider]):
    list_display = ("name", "capacity", "channel", "language")
    filter_horizontal = ("regions",)
