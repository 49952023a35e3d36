from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from hotline.api import api
from hotline.home.views import home

admin.site.site_header = "Hotline"
admin.site.site_title = "Hotline"

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("hotline.accounts.urls")),
    path("rulebook/", include("hotline.rulebook.urls")),
    path("events/", include("hotline.audit.urls")),
    path("floor/", include("hotline.calls.urls")),
    path("voice/", include("hotline.voice.urls")),
    path("tickets/", include("hotline.tickets.urls")),
    path("dispatch/", include("hotline.dispatch.urls")),
    path("provider/", include("hotline.dispatch.provider_urls")),
    path("notices/", include("hotline.notices.urls")),
    path("followup/", include("hotline.followup.urls")),
    path("portal/", include("hotline.portal.urls")),
    path("reports/", include("hotline.reports.urls")),
    path("workforce/", include("hotline.workforce.urls")),
    path("imports/", include("hotline.imports.urls")),
    path("setup/", include("hotline.setup.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
