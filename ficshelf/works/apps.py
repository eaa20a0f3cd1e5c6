from django.apps import AppConfig


class WorksConfig(AppConfig):
    name = "ficshelf.works"
    label = "works"
