"""The admin roles and what each may do: the one place that says so.

A role is a Django group of the same name, given to members in the admin site (the user's
"Groups") by someone with ``accounts.change_roles``. ``sync_roles`` runs after every
``migrate`` and makes each group hold exactly the permissions named here, so an app that
adds a permission later adds one line to a role below. Permissions not (yet) defined are
skipped and picked up by the migrate that defines them.

Every admin page and action checks ``user.has_perm(...)`` for one of these; superusers
pass every check. Anyone in a role must sign in with two-factor (``accounts.two_factor``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from ficshelf.tags.models import WRANGLER_ROLE

SUPERADMIN = "Superadmin"
POLICY_AND_ABUSE = "Policy and abuse"
SUPPORT = "Support"
TAG_WRANGLING = WRANGLER_ROLE
COMMUNICATIONS = "Communications"

# Reading the report queue and the desk's member pages.
_DESK = ["moderation.view_report", "accounts.view_user", "core.view_auditentry"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    POLICY_AND_ABUSE: [
        *_DESK,
        "moderation.resolve_report",
        "moderation.reply_to_report",
        "moderation.review_spam",
        "works.view_work",
        "works.change_work",  # hide and unhide works
        "social.view_comment",
        "social.delete_comment",
        "social.view_bookmark",
        "social.view_externalwork",
        "social.change_externalwork",  # correct and hide works bookmarked from elsewhere
        "accounts.suspend_member",
        "accounts.ban_member",
        "accounts.warn_member",
        "accounts.note_member",
        # Which hosts' players works may embed (core.EmbedHost, the CSP's frame-src).
        "core.view_embedhost",
        "core.add_embedhost",
        "core.change_embedhost",
        "core.delete_embedhost",
        # Which hosts skins may load images from (core.SkinImageHost, the CSP's img-src).
        "core.view_skinimagehost",
        "core.add_skinimagehost",
        "core.change_skinimagehost",
        "core.delete_skinimagehost",
    ],
    SUPPORT: [
        *_DESK,
        "moderation.resolve_report",
        "moderation.reply_to_report",
        "accounts.note_member",
        "accounts.change_next_of_kin",
        "accounts.approve_skins",  # public site and work skins (core.public_skins)
    ],
    TAG_WRANGLING: [
        "tags.wrangle_tag",
        "tags.view_tag",
        "tags.change_tag",
    ],
    COMMUNICATIONS: ["sitecontent.edit_site_pages", "sitecontent.publish_news"],
}

# Superadmins hold every role's permissions and run the archive: roles, settings, accounts.
ROLE_PERMISSIONS[SUPERADMIN] = sorted(
    {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    | {
        "accounts.change_roles",
        "accounts.change_user",
        "accounts.delete_user",
        "accounts.view_archivesettings",
        "accounts.change_archivesettings",
        "accounts.view_invitation",
        "accounts.add_invitation",
        "accounts.view_inviterequest",
        "auth.view_group",
        "works.delete_work",
        # An admin who lost their phone and recovery codes: their devices go, they set up
        # two-factor again (docs/self-hosting.md).
        "otp_totp.view_totpdevice",
        "otp_totp.delete_totpdevice",
        "otp_static.view_staticdevice",
        "otp_static.delete_staticdevice",
    }
)

ROLES = [SUPERADMIN, POLICY_AND_ABUSE, SUPPORT, TAG_WRANGLING, COMMUNICATIONS]


def permissions_named(names: list[str]) -> list[Permission]:
    if not names:
        return []
    wanted = Q()
    for name in names:
        app_label, codename = name.split(".", 1)
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(wanted))


def sync_roles(**kwargs: Any) -> None:
    """Make each role's group hold exactly its permissions (idempotent)."""
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(permissions_named(ROLE_PERMISSIONS[role]))
