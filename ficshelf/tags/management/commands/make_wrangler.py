"""``ficshelf make_wrangler USERNAME [--remove]``: give or take the tag wrangling role (the
group of that name, which ``moderation.roles`` keeps with its permissions)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ficshelf.accounts.models import User
from ficshelf.tags.models import WRANGLER_ROLE


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
        role, _ = Group.objects.get_or_create(name=WRANGLER_ROLE)
        if options["remove"]:
            user.groups.remove(role)
            self.stdout.write(f"{username} is no longer a tag wrangler.")
            if user.is_superuser:
                self.stdout.write(f"{username} is a superuser and can still wrangle tags.")
        else:
            user.groups.add(role)
            self.stdout.write(f"{username} is now a tag wrangler.")
