from django.urls import path

from hotline.rulebook import views

app_name = "rulebook"
urlpatterns = [
    path("", views.rulebook_list, name="list"),
    path("<str:key>/", views.rulebook_edit, name="edit"),
    path("<str:key>/reset/", views.rulebook_reset, name="reset"),
]
