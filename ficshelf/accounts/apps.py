from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ficshelf.accounts"
    label = "accounts"
