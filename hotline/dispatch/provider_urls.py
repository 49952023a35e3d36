from django.urls import path

from hotline.dispatch import views

app_name = "provider"
urlpatterns = [
    path("", views.provider_list, name="orders"),
    path("orders/<int:order_id>/", views.provider_order, name="order"),
    path("orders/<int:order_id>/action/", views.provider_action, name="action"),
    path("orders/<int:order_id>/report.pdf", views.report, name="report"),
]
