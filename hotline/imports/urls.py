from django.urls import path

from hotline.imports import history_page, views

app_name = "imports"
urlpatterns = [
    path("", views.imports_index, name="index"),
    path("check/", views.imports_check, name="check"),
    path("confirm/", views.imports_confirm, name="confirm"),
    path("holidays/", views.imports_holidays, name="holidays"),
    path("history/", history_page.imports_history_check, name="history"),
    path("history/confirm/", history_page.imports_history_confirm, name="history_confirm"),
    path("history/<uuid:result_id>/", history_page.imports_history_result, name="history_result"),
    path("<str:kind>/template.<str:fmt>", views.imports_template, name="template"),
    path("<str:kind>/export.<str:fmt>", views.imports_export, name="export"),
]
