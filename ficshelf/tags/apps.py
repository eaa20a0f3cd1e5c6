from django.apps import AppConfig


class TagsConfig(AppConfig):
    name = "ficshelf.tags"
    label = "tags"
