from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "ficshelf.importers"
    label = "importers"
