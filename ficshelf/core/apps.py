from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ficshelf.core"
    label = "core"

    def ready(self) -> None:
        # Registers the self-hosting checks with Django's check framework.
        from ficshelf.core import checks  # noqa: F401
        from ficshelf.core.health import register_core_checks

        register_core_checks()

        from django.core.signals import request_finished

        from ficshelf.core.request_log import forget_request_id

        request_finished.connect(forget_request_id, dispatch_uid="ficshelf-forget-request-id")

        from django.db.models.signals import post_delete, post_save

        from ficshelf.core.embed_hosts import embed_hosts_changed
        from ficshelf.core.models import EmbedHost

        for signal in (post_save, post_delete):
            signal.connect(embed_hosts_changed, sender=EmbedHost, dispatch_uid="embed-hosts")

        from ficshelf.core import kept_pages
        from ficshelf.core.models import SkinImageHost
        from ficshelf.core.skin_image_hosts import skin_image_hosts_changed, skin_image_hosts_key

        for signal in (post_save, post_delete):
            signal.connect(
                skin_image_hosts_changed, sender=SkinImageHost, dispatch_uid="skin-image-hosts"
            )
        # A kept work page links its skin at an address that names the hosts (see there).
        kept_pages.register_key_part(lambda request: skin_image_hosts_key())
