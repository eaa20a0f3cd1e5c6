"""Who counts as an admin, and whether they finished signing in.

Anyone given an admin role (a group: ``moderation.roles``), staff and superusers use the
admin site and the moderators' desk, and only after the second step of signing in
(two-factor: ``accounts.two_factor``) in this session.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

_ROLE_CACHE = "_ficshelf_has_admin_role"


def has_admin_role(user: Any) -> bool:
    """Staff, superuser, a member of any role group (every group is a role), or anyone
    given a permission directly (outside a role, it still opens admin pages)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    cached = getattr(user, _ROLE_CACHE, None)
    if cached is None:
        cached = user.groups.exists() or user.user_permissions.exists()
        setattr(user, _ROLE_CACHE, cached)
    return bool(cached)


def is_verified(user: Any) -> bool:
    """Signed in with the second step in this session (django-otp's middleware says)."""
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


class ArchiveAdminSite(admin.AdminSite):
    """Django's admin site, open to the admin roles once they passed two-factor."""

    def has_permission(self, request: HttpRequest) -> bool:
        return has_admin_role(request.user) and is_verified(request.user)


class ArchiveAdminConfig(AdminConfig):
    default_site = "ficshelf.core.staff.ArchiveAdminSite"
