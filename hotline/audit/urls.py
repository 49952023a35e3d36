from django.urls import path

from hotline.audit import views

app_name = "audit"
urlpatterns = [path("", views.event_list, name="list")]
