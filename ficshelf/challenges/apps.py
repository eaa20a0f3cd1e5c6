from django.apps import AppConfig


class ChallengesConfig(AppConfig):
    name = "ficshelf.challenges"
    label = "challenges"
    verbose_name = "Challenges"

    def ready(self) -> None:
        # Gifts fulfil assignments; works joining a prompt meme fill its prompts.
        from ficshelf.challenges import member_data, prompt_meme_receivers, receivers  # noqa: F401
