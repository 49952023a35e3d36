"""What an API client opens a case with, without scraping a page: customers (the case pages'
and the E5 page's one search), their sites and equipment, the fault categories with their
scripts (E4). Scoped as the pages are: staff find any customer, a customer only their own
account, anyone else nothing; 50 a page (hotline/paging.py)."""

from typing import Any

from django.http import HttpRequest

from hotline.accounts.views import signed_in
from hotline.bounds import PathId, QueryId
from hotline.directory import selectors as directory
from hotline.paging import PageNumber, page_of
from hotline.tickets import selectors
from hotline.tickets.api import router
from hotline.tickets.api.schemas import (
    CategoriesOut,
    CustomersOut,
    EquipmentListOut,
    SearchText,
    SitesOut,
)

PAGE_SIZE = 50


@router.get(
    "/customers",
    response=CustomersOut,
    summary="Find a customer: name, e-mail, phone digits or account number",
)
def customers_search(request: HttpRequest, q: SearchText = "", page: PageNumber = 1) -> Any:
    rows, has_next = page_of(directory.customers_for(signed_in(request), q), page, PAGE_SIZE)
    return {"page": page, "has_next": has_next, "customers": rows}


@router.get(
    "/customers/{customer_id}/sites",
    response=SitesOut,
    summary="A customer's sites (zone D6, region D3, business premises D1)",
)
def customer_sites(request: HttpRequest, customer_id: PathId, page: PageNumber = 1) -> Any:
    found = directory.sites_for(signed_in(request), customer_id)
    rows, has_next = page_of(found, page, PAGE_SIZE)
    sites = [
        {
            "id": site.pk,
            "customer_id": site.customer_id,
            "address": site.address,
            "region": site.region.code,
            "zone": site.zone,
            "business_premises": site.business_premises,
        }
        for site in rows
    ]
    return {"page": page, "has_next": has_next, "sites": sites}


@router.get(
    "/customers/{customer_id}/equipment",
    response=EquipmentListOut,
    summary="The equipment at a customer's sites (or at one site)",
)
def customer_equipment(
    request: HttpRequest, customer_id: PathId, site_id: QueryId = None, page: PageNumber = 1
) -> Any:
    found = directory.equipment_for(signed_in(request), customer_id, site_id)
    rows, has_next = page_of(found, page, PAGE_SIZE)
    return {"page": page, "has_next": has_next, "equipment": rows}


@router.get(
    "/categories",
    response=CategoriesOut,
    summary="Fault categories and their scripted first steps (E4)",
)
def fault_categories(request: HttpRequest, q: SearchText = "", page: PageNumber = 1) -> Any:
    signed_in(request)
    rows, has_next = page_of(selectors.categories_matching(q), page, PAGE_SIZE)
    categories = [
        {"id": c.pk, "code": c.code, "name": c.name, "steps": [str(s) for s in c.steps]}
        for c in rows
    ]
    return {"page": page, "has_next": has_next, "categories": categories}
