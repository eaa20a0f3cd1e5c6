from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ficshelf.api"
    label = "api"
