"""``ficshelf make_wrangler USERNAME [--remove]``: give or take the tag wrangler role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ficshelf.accounts.models import User


class Command(BaseCommand):
    help = "Let a user wrangle tags (or, with --remove, stop them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--remove", action="store_true", help="take the wrangler role away instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"There is no user named {username!r}.") from None
        permission = Permission.objects.get(content_type__app_label="tags", codename="wrangle_tag")
        if options["remove"]:
            user.user_permissions.remove(permission)
            self.stdout.write(f"{username} is no longer a tag wrangler.")
            if user.is_superuser:
                self.stdout.write(f"{username} is a superuser and can still wrangle tags.")
        else:
            user.user_permissions.add(permission)
            self.stdout.write(f"{username} is now a tag wrangler.")
