from django.urls import path

from hotline.calls import views

app_name = "calls"
urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("desk/panel/", views.desk_panel, name="desk_panel"),
    path("desk/action/", views.desk_action, name="desk_action"),
    path("wallboard/", views.wallboard_page, name="wallboard"),
    path("wallboard/panel/", views.wallboard_panel, name="wallboard_panel"),
    path("stream/", views.stream, name="stream"),
]
