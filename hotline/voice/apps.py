from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "hotline.voice"
    label = "voice"
