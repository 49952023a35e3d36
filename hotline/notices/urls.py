from django.urls import path

from hotline.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:notice_id>/logged/", views.mark_logged, name="logged"),
]
