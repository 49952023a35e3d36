from django.apps import AppConfig


class RulebookConfig(AppConfig):
    name = "hotline.rulebook"
    label = "rulebook"
