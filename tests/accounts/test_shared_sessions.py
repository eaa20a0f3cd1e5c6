"""Sessions in the shared cache (``cached_db``): a session signed in through one process is
in the cache every process of the server reads, and a logout takes it out of that cache
for all of them, on the embedded cache and on Redis."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.test import Client
from django.urls import reverse

from tests.caches import run_cache_processes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's password


def seen_by_another_process(cache_key: str) -> bool:
    (answer,) = run_cache_processes("has", cache_key)
    return bool(answer["found"])


def test_a_logout_ends_the_session_in_every_process_sharing_the_cache(shared_cache: str) -> None:
    UserFactory(username="reader")
    client = Client()
    client.post(reverse("accounts:login"), {"username": "reader", "password": PASSWORD})
    session_key = client.cookies["sessionid"].value
    cache_key = SessionStore(session_key=session_key).cache_key
    assert seen_by_another_process(cache_key)

    client.post(reverse("accounts:logout"))

    assert not seen_by_another_process(cache_key)
    assert not SessionStore(session_key=session_key).exists(session_key)
    # The old cookie signs nobody in, here or anywhere.
    stale = Client()
    stale.cookies["sessionid"] = session_key
    assert stale.get(reverse("accounts:settings")).status_code == 302
