from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ficshelf.core"
    label = "core"
