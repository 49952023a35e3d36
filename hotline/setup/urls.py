from django.urls import path

from hotline.setup import views

app_name = "setup"
urlpatterns = [
    path("", views.setup_index, name="index"),
    path("<slug:step>/", views.setup_step, name="step"),
]
