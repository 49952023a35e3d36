from django.urls import path

from hotline.voice import views

app_name = "voice"
urlpatterns = [
    path("recordings/<int:call_id>/audio/", views.recording_audio, name="recording_audio"),
]
