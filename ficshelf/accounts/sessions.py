"""Signing members out everywhere: their rows in the session table and the cache's copies.

Sessions are ``cached_db``: each is read from the cache first, then from the database.
Both copies must go, or a cached one would keep a suspended member signed in until it
expires. (Their requests would be anonymous anyway: Django's authentication refuses
inactive accounts; ending the sessions also keeps an unsuspended member from coming back
into a session they had before.)
"""

from __future__ import annotations

from collections.abc import Collection
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

# The key ``django.contrib.auth`` keeps the signed-in user's id under in a session.
AUTH_USER_KEY = "_auth_user_id"


def end_sessions(user_ids: Collection[int]) -> int:
    """In the caller's transaction: delete these members' sessions; returns how many.

    Django keeps no index of sessions by user, so the live sessions are read and decoded
    one by one; suspending and deleting accounts are rare admin actions.
    """
    wanted = {str(user_id) for user_id in user_ids}
    if not wanted:
        return 0
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(AUTH_USER_KEY)) in wanted
    ]
    Session.objects.filter(session_key__in=keys).delete()
    # The cache's copies go once the rows are gone for everyone: deleted before the commit,
    # a request meanwhile could copy a row back into the cache from the database.
    transaction.on_commit(lambda: _forget_cached(keys))
    return len(keys)


def _forget_cached(session_keys: list[str]) -> None:
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    # Engines that keep sessions in the database alone have no cached copies to forget.
    cache_keys = [getattr(store_class(session_key=key), "cache_key", None) for key in session_keys]
    found = [key for key in cache_keys if key]
    if found:
        caches[settings.SESSION_CACHE_ALIAS].delete_many(found)
