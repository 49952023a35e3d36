from django.contrib import admin

from hotline.tickets.models import Customer, CustomerSite, SlaContract


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
