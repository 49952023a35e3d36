from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "hotline.dispatch"
    label = "dispatch"
