from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "ficshelf.social"
    label = "social"
