"""Questions other apps ask about accounts: who blocked whom, a reader's preferences.

The social app calls ``is_blocked(by=creator, other=reader)`` before taking a comment,
kudos, gift or invitation from ``other``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest
from django.urls import reverse

from ficshelf.accounts.models import Block, Mute, Preference, User
from ficshelf.accounts.reader_cache import cached_for_reader
from ficshelf.accounts.skin_actions import usable_site_skins
from ficshelf.core.skin_image_hosts import skin_image_hosts_key

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Someone = User | AnonymousUser | None

_REQUEST_CACHE = "_ficshelf_reader_preferences"
# Preferences and mutes name nothing but the reader's own choices: kept until they change.
CHOICES_CACHE_SECONDS = 3600


def is_blocked(*, by: Someone, other: Someone) -> bool:
    """Has ``by`` blocked ``other``? Guests neither block nor are blocked."""
    if by is None or other is None or not by.is_authenticated or not other.is_authenticated:
        return False
    return Block.objects.filter(blocker_id=by.pk, blocked_id=other.pk).exists()


def has_muted(*, by: Someone, other: Someone) -> bool:
    if by is None or other is None or not by.is_authenticated or not other.is_authenticated:
        return False
    return Mute.objects.filter(muter_id=by.pk, muted_id=other.pk).exists()


def muted_ids(user: Someone) -> frozenset[int]:
    """The members ``user`` has muted (none for guests)."""
    if not isinstance(user, User):  # a guest (AnonymousUser) or nobody
        return frozenset()
    return cached_for_reader(
        user,
        "mutes",
        lambda: frozenset(Mute.objects.filter(muter_id=user.pk).values_list("muted_id", flat=True)),
        seconds=CHOICES_CACHE_SECONDS,
    )


def get_user_for_profile(username: str) -> User:
    """A member's profile: 404 for unknown names and for suspended or internal accounts."""
    try:
        return User.objects.get(username=username, is_active=True)
    except User.DoesNotExist:
        raise Http404("No such user.") from None


def preferences_for(request: HttpRequest) -> Preference | None:
    """The signed-in reader's saved preferences, fetched once per request; None otherwise.

    None means today's defaults: guests, and members who never saved the form.
    """
    if hasattr(request, _REQUEST_CACHE):
        cached: Preference | None = getattr(request, _REQUEST_CACHE)
        return cached
    preference = None
    user = request.user
    if isinstance(user, User):  # signed in
        preference = cached_for_reader(
            user,
            "preferences",
            lambda: Preference.objects.filter(user_id=user.pk).first(),
            seconds=CHOICES_CACHE_SECONDS,
        )
    setattr(request, _REQUEST_CACHE, preference)
    return preference


def keeps_history(request: HttpRequest) -> bool:
    """Whether the signed-in reader keeps a reading history (and their place in works);
    guests keep none, and history off means nothing new is kept."""
    if not request.user.is_authenticated:
        return False
    preference = preferences_for(request)
    return preference is None or preference.keep_history


def reader_context(request: HttpRequest) -> dict[str, object]:
    preference = preferences_for(request)
    return {
        "reader_preferences": preference,
        "reader_body_class": preference.body_class if preference else "",
        "reader_site_skin_url": _site_skin_url(request.user, preference),
    }


def _site_skin_url(user: Someone, preference: Preference | None) -> str:
    """The address of the site skin's stylesheet the member chose (theirs or a public one);
    "" when none.
    Kept under their reader version, which saving or deleting a site skin raises."""
    if preference is None or preference.site_skin_id is None or not isinstance(user, User):
        return ""
    skin_id = preference.site_skin_id

    def address() -> str:
        # Their own, or a public one: a skin withdrawn or rejected since is no longer
        # chosen (``accounts.skin_actions.release_site_skin``), and this read checks again.
        skin = usable_site_skins(user.pk).filter(pk=skin_id).only("css").first()
        if skin is None:
            return ""
        return reverse("accounts:site_skin_stylesheet", args=[skin.pk, skin.version])

    # The address names the skins' image hosts too (``core.skin_image_hosts``).
    name = f"site-skin:{skin_image_hosts_key()}"
    return cached_for_reader(user, name, address, seconds=CHOICES_CACHE_SECONDS)


def saved_preference(user_id: int) -> Preference:
    """The member's preferences, or the defaults (unsaved) when they never saved any."""
    return Preference.objects.filter(user_id=user_id).first() or Preference(user_id=user_id)


def members_who(choice: str, user_ids: Iterable[int | None]) -> set[int]:
    """Which of ``user_ids`` turned the boolean preference ``choice`` on (its default is
    off: refuse_gifts, refuse_co_creator_invitations, hide_from_search_engines)."""
    ids = {pk for pk in user_ids if pk is not None}
    if not ids:
        return set()
    chosen = Preference.objects.filter(user_id__in=ids, **{choice: True})
    return set(chosen.values_list("user_id", flat=True))
