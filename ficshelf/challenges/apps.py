from django.apps import AppConfig


class ChallengesConfig(AppConfig):
    name = "ficshelf.challenges"
    label = "challenges"
    verbose_name = "Challenges"

    def ready(self) -> None:
        from ficshelf.challenges import receivers  # noqa: F401  (gifts fulfil assignments)
