from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "hotline.calls"
    label = "calls"
