from pathlib import Path

from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "hotline"
    label = "hotline"
    verbose_name = "Hotline"
    # The editable install makes `hotline` look like a namespace package to Django.
    path = str(Path(__file__).resolve().parent)
