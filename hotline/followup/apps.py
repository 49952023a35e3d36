from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "hotline.followup"
    label = "followup"
