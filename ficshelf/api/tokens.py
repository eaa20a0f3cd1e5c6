"""Making, finding and revoking API tokens.

The same approach as e-reader keys (``accounts.reader_keys``): the token is random, shown
to the member once, and only its SHA-256 is kept (no slow hash is needed for 192 random
bits). A token signs a request in as its member, with only its scopes; the session and
its cookie are never read by the API, so a token alone says who is asking.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ficshelf.accounts.models import User
from ficshelf.api.models import ApiToken, Scope

# Tokens start with this, so a leaked one is recognisable in logs and by secret scanners.
PREFIX = "fsh_"
# Last use is recorded at most this often (every request would write otherwise).
LAST_USED_PRECISION = datetime.timedelta(minutes=10)
# The expiries the token page offers, in days; a year at most.
EXPIRY_DAYS = (7, 30, 90, 365)
MAX_TOKENS_PER_MEMBER = 50


class TokenRefused(Exception):
    """The token cannot be made; ``str(error)`` says why."""


@transaction.atomic
def make_token(user: User, name: str, scopes: Iterable[str], days: int) -> str:
    """A new token for ``user``; the only time it is seen in full."""
    chosen = [scope for scope in Scope.values if scope in set(scopes)]
    if not chosen:
        raise TokenRefused("Choose at least one thing the token may do.")
    if days not in EXPIRY_DAYS:
        raise TokenRefused("Choose one of the offered expiries.")
    # Locks the member's row: two forms sent at once cannot both pass the count.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_MEMBER:
        raise TokenRefused(
            f"You have {MAX_TOKENS_PER_MEMBER} tokens already: revoke one you no longer use."
        )
    token = PREFIX + secrets.token_urlsafe(24)
    ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        token_hash=digest(token),
        scopes=" ".join(chosen),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return token


def token_for(raw: str) -> ApiToken | None:
    """The live token ``raw`` is (its member active, not expired), else None. Notes its use."""
    found = ApiToken.objects.filter(token_hash=digest(raw)).select_related("user").first()
    if found is None or found.is_expired or not found.user.is_active:
        return None
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > LAST_USED_PRECISION:
        # One column of the token's own row: no visibility field, no signal.
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        found.last_used_at = now
    return found


def revoke_token(user: User, token_id: int) -> bool:
    """Deletes one of ``user``'s tokens; False when there is no such token of theirs."""
    deleted, _ = ApiToken.objects.filter(pk=token_id, user=user).delete()
    return bool(deleted)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
