from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ficshelf.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Changes to preferences and mutes move the reader's version (reader_cache).
        from ficshelf.accounts import reader_cache  # noqa: F401
