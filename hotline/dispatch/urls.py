from django.urls import path

from hotline.dispatch import board_views, views

app_name = "dispatch"
urlpatterns = [
    path("", board_views.board, name="board"),
    path("dispatch/", views.dispatch_ticket, name="dispatch"),
    path("bounce/", views.bounce, name="bounce"),
    path("orders/<int:order_id>/", views.order, name="order"),
    path("orders/<int:order_id>/urge/", views.urge, name="urge"),
    path("orders/<int:order_id>/report.pdf", views.report, name="report"),
]
