"""Writing, choosing and making public a member's site skins (``SiteSkin``).

Each step is one transaction. A site skin is linked on the pages of whoever chose it, read
through their reader version (``accounts.reader_cache``): a change that stops others using
a skin (edited, withdrawn, rejected, deleted) takes it out of their preferences and raises
their versions in the same transaction, so their next page falls back to the archive's
skin they chose and never links a stylesheet that is gone or unreviewed.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q

from ficshelf.accounts.models import Preference, SiteSkin, User
from ficshelf.core import public_skins
from ficshelf.core.public_skins import PublicState


def usable_site_skins(user: User) -> Q:
    """The site skins ``user`` may choose: their own and the approved public ones."""
    return Q(owner_id=user.pk) | Q(public_state=PublicState.APPROVED)


@transaction.atomic
def save_site_skin(*, owner: User, title: str, css: str, skin: SiteSkin | None = None) -> SiteSkin:
    """A new site skin of ``owner``'s, or ``skin`` (theirs) with this title and CSS."""
    if skin is None:
        return SiteSkin.objects.create(owner=owner, title=title, css=css)
    if skin.owner_id != owner.pk:
        raise PermissionError("Only a skin's owner changes it.")
    changed = (skin.title, skin.css) != (title, css)
    skin.title, skin.css = title, css
    skin.save(update_fields=["title", "css", "updated_at"])
    if changed:
        public_skins.edited(skin, release=release_site_skin)
    return skin


@transaction.atomic
def delete_site_skin(skin: SiteSkin, *, owner: User) -> None:
    if skin.owner_id != owner.pk:
        raise PermissionError("Only a skin's owner deletes it.")
    release_site_skin(skin)
    skin.delete()


@transaction.atomic
def request_public_site_skin(skin: SiteSkin, *, owner: User) -> SiteSkin:
    return public_skins.request_public(skin, owner=owner)


@transaction.atomic
def withdraw_public_site_skin(skin: SiteSkin, *, owner: User) -> SiteSkin:
    return public_skins.withdraw(skin, owner=owner, release=release_site_skin)


@transaction.atomic
def review_site_skin(
    skin: SiteSkin, *, actor: User, approve: bool, reason: str, read: str = ""
) -> SiteSkin:
    return public_skins.review(
        skin, actor=actor, approve=approve, reason=reason, release=release_site_skin, read=read
    )


@transaction.atomic
def choose_site_skin(user: User, skin: SiteSkin | None) -> None:
    """``user`` wears ``skin`` (their own or a public one) over their archive skin; None
    for the archive's skin alone."""
    if skin is not None and not SiteSkin.objects.filter(usable_site_skins(user), pk=skin.pk):
        raise PermissionError("That skin is not yours nor public.")
    preference, _ = Preference.objects.get_or_create(user=user)
    preference.site_skin = skin
    preference.save()  # raises the member's reader version (accounts.reader_cache)


def release_site_skin(skin: SiteSkin) -> None:
    """In the caller's transaction: members other than its owner stop wearing ``skin``."""
    others = Preference.objects.filter(site_skin=skin)
    if skin.owner_id is not None:
        others = others.exclude(user_id=skin.owner_id)
    user_ids = list(others.values_list("user_id", flat=True))
    if user_ids:
        others.update(site_skin=None)
        User.objects.filter(pk__in=user_ids).update(reader_version=F("reader_version") + 1)


def account_closing_site_skins(user: User) -> None:
    """In the closing account's transaction: public skins stay for those who chose them,
    naming nobody (AO3 keeps an approved skin when its author leaves); the rest go."""
    SiteSkin.objects.filter(owner=user, public_state=PublicState.APPROVED).update(owner=None)
    for skin in SiteSkin.objects.filter(owner=user):
        delete_site_skin(skin, owner=user)
