from django.urls import path

from hotline.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.cases, name="cases"),
    path("cases/<int:ticket_id>/", views.case, name="case"),
    path("record/", views.record, name="record"),
    path("records/", views.records, name="records"),
    path("customers/<int:customer_id>/record/", views.customer_record, name="customer_record"),
]
