from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "hotline.workforce"
    label = "workforce"
