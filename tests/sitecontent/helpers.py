"""Members with the site content's permissions, for the sitecontent tests."""

from __future__ import annotations

from django.contrib.auth.models import Permission

from ficshelf.accounts.models import User
from tests.factories import UserFactory


def member_with(codename: str, **fields: object) -> User:
    user = UserFactory(**fields)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="sitecontent", codename=codename)
    )
    # A fresh instance: Django keeps the permissions it looked up on the old one.
    return User.objects.get(pk=user.pk)


def editor(**fields: object) -> User:
    return member_with("edit_site_pages", **fields)


def publisher(**fields: object) -> User:
    return member_with("publish_news", **fields)
