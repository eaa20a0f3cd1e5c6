"""Counting attempts per key in a time window, in the shared cache.

Used for sign-up, login, password reset and comments: ``allow("login", ip, limit=10,
per_seconds=300)`` is False once a key has used its attempts in the window.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    # Behind a reverse proxy the operator's proxy sets REMOTE_ADDR correctly (gunicorn
    # honours forwarded headers only from trusted proxies), so REMOTE_ADDR is the truth.
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def allow(action: str, key: str, *, limit: int, per_seconds: int) -> bool:
    """Record one attempt; True while the key has attempts left in the current window."""
    window = int(time.time() // per_seconds)
    digest = hashlib.sha256(f"{action}:{key}:{window}".encode()).hexdigest()
    cache_key = f"ratelimit:{digest}"
    # add() then incr() is atomic enough across processes for a file or database cache.
    cache.add(cache_key, 0, timeout=per_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=per_seconds)
        count = 1
    return count <= limit
