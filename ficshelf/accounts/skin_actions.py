"""Writing, choosing and making public a member's site skins (``SiteSkin``).

Each step is one transaction. A site skin is linked on the pages of whoever chose it, read
through their reader version (``accounts.reader_cache``): a change that stops others using
a skin (edited, withdrawn, rejected, deleted) takes it out of their preferences and raises
their versions in the same transaction, so their next page falls back to the archive's
skin they chose and never links a stylesheet that is gone or unreviewed.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, QuerySet

from ficshelf.accounts.models import Preference, SiteSkin, User
from ficshelf.core.css_sanitizer import public_site_skin_refusals
from ficshelf.core.public_skins import PublicState, SkinKind


@transaction.atomic
def choose_site_skin(user: User, skin: SiteSkin | None) -> None:
    """``user`` wears ``skin`` (their own or a public one) over their archive skin; None
    for the archive's skin alone."""
    if skin is not None and not usable_site_skins(user.pk).filter(pk=skin.pk):
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


def _nothing_to_announce(skin: SiteSkin) -> None:
    """No kept page links a site skin: its wearers' pages are read under their reader
    versions, which ``release_site_skin`` and the model's signals raise."""


# Every step of a site skin (``core.public_skins``). Others wear a public site skin on
# every page they see, so its selectors may not read what the page holds (decision 0009).
SITE_SKINS = SkinKind(
    SiteSkin,
    release=release_site_skin,
    announce=_nothing_to_announce,
    public_refusals=public_site_skin_refusals,
)
save_site_skin = SITE_SKINS.save
delete_site_skin = SITE_SKINS.delete
request_public_site_skin = SITE_SKINS.request_public
withdraw_public_site_skin = SITE_SKINS.withdraw
review_site_skin = SITE_SKINS.review


def usable_site_skins(member_id: int | None) -> QuerySet[SiteSkin]:
    """The site skins a member may wear: their own and the approved public ones (the
    preferences offer these, choosing checks them, and their pages link only these)."""
    return SITE_SKINS.usable_by(member_id)


def account_closing_site_skins(user: User) -> None:
    """In the closing account's transaction: public skins stay for those who chose them,
    naming nobody (AO3 keeps an approved skin when its author leaves); the rest go."""
    SiteSkin.objects.filter(owner=user, public_state=PublicState.APPROVED).update(owner=None)
    for skin in SiteSkin.objects.filter(owner=user):
        delete_site_skin(skin, owner=user)
