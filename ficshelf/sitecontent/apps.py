from django.apps import AppConfig


class SiteContentConfig(AppConfig):
    name = "ficshelf.sitecontent"
    label = "sitecontent"
    verbose_name = "Site pages and news"

    def ready(self) -> None:
        # What the kept pages' keys and the sign-up form ask of this app, registered with
        # the lower apps that keep the registers (they cannot import this one).
        from ficshelf.sitecontent import registrations

        registrations.register()
