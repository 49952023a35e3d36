from django.urls import path

from hotline.followup import views

app_name = "followup"
urlpatterns = [
    path("", views.followups, name="list"),
    path("<int:followup_id>/", views.detail, name="detail"),
    path("<int:followup_id>/act/", views.act, name="act"),
]
