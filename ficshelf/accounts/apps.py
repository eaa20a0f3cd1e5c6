from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ficshelf.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Connected here, not by the first import elsewhere:
        # - reader_cache: changes to preferences and mutes move the reader's version;
        # - two_factor: a sign-in notes in the session whether the account has two-factor
        #   on. Imported only by the middleware, its receiver missed a sign-in made before
        #   a process's first request, and that request wrote the note instead.
        from ficshelf.accounts import (
            reader_cache,  # noqa: F401
            two_factor,  # noqa: F401
        )
