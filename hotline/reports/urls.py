from django.urls import path

from hotline.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("monthly/", views.monthly, name="monthly"),
    path("weekly/", views.weekly, name="weekly"),
    path("daily/", views.daily, name="daily"),
]
