"""Attempts per key in a sliding window, counted in the shared cache.

``RateLimit("login-address", limit=20, window_seconds=300).attempt(address)`` counts one
attempt and says whether it may go ahead. A limit holds for its whole window: an attempt
is counted until at least ``window_seconds`` after it was made (a little longer, up to a
tenth of the window), so no burst at the end of one window and the start of the next gets
twice the limit through. A refused attempt is not counted: it did nothing, and waiting
until the time the refusal names is enough to be let in again.

How: the window is cut into ``SLOTS`` slots, each a cache counter whose key names its slot,
written with an expiry past the window's end. An attempt increments its slot's counter
(atomic in the embedded cache and in Redis) and adds the counters of the slots before it.
The increment's own answer is never shared with another attempt, so of any number of
concurrent attempts exactly the limit are let through, in one process or many. Only the
cache API is used (``add``, ``incr``, ``decr``, ``get_many``), so every shared cache Django
speaks to works alike; Django's file cache does not (its ``incr`` is get-then-set).
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

# The window in slots: an attempt is forgotten between 1 and 1 + 1/SLOTS windows after it
# (windows shorter than SLOTS seconds have one-second slots).
SLOTS = 10


def now() -> float:
    """The clock the limits read (tests move it)."""
    return time.time()


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may go ahead; when refused, how long until one would be let in."""

    allowed: bool
    retry_after_seconds: int = 0
    # The counters this attempt was counted in, to give it back (``give_back``).
    counted_in: tuple[tuple[str, int], ...] = field(default=(), repr=False)

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def retry_in_words(self) -> str:
        """ "in 4 minutes", "in 35 seconds": when to try again, for a message."""
        return wait_in_words(self.retry_after_seconds)


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` attempts per key in any ``window_seconds``."""

    name: str
    limit: int
    window_seconds: int

    @property
    def slot_seconds(self) -> int:
        return max(1, math.ceil(self.window_seconds / SLOTS))

    @property
    def slots_in_window(self) -> int:
        return math.ceil(self.window_seconds / self.slot_seconds)

    def attempt(self, key: str) -> Verdict:
        """Count one attempt for ``key``; refused (and not counted) past the limit."""
        moment = now()
        slots, slot = self.slots_in_window, int(moment // self.slot_seconds)
        counter = self._counter_key(key, slot)
        count = _increment(counter, timeout=self.window_seconds + 3 * self.slot_seconds)
        # The slots before this one that are still in the window, and the next one: of two
        # attempts at the turn of a slot, counted in this slot and the next, one sees the
        # other (each increments its own counter before it reads the other's).
        earlier = [self._counter_key(key, s) for s in range(slot - slots, slot)]
        following = self._counter_key(key, slot + 1)
        found = cache.get_many([*earlier, following])
        earlier_counts = [_whole(found.get(k)) for k in earlier]
        others = count - 1 + sum(earlier_counts) + _whole(found.get(following))
        if others < self.limit:
            return Verdict(allowed=True, counted_in=((counter, 1),))
        _decrement(counter, 1)
        return Verdict(
            allowed=False,
            retry_after_seconds=self._wait(slot, earlier_counts, others, moment),
        )

    def _wait(self, slot: int, earlier_counts: list[int], others: int, moment: float) -> int:
        """Seconds until enough attempts have left the window to let one more in. The slot
        ``slot - slots + i`` leaves it when slot ``slot + i + 1`` begins."""
        must_leave = others - self.limit + 1
        leaves_at = (slot + self.slots_in_window + 1) * self.slot_seconds
        for offset, slot_count in enumerate(earlier_counts):
            must_leave -= slot_count
            if must_leave <= 0:
                leaves_at = (slot + offset + 1) * self.slot_seconds
                break
        return max(1, math.ceil(leaves_at - moment))

    def _counter_key(self, key: str, slot: int) -> str:
        # Hashed: any key (a username, an address) makes a short key every cache accepts.
        digest = hashlib.sha256(f"{self.name}\0{key}".encode()).hexdigest()[:32]
        return f"ratelimit:{self.name}:{digest}:{slot}"


def attempt_all(attempts: Iterable[tuple[RateLimit, str]]) -> Verdict:
    """Count one attempt against each (limit, key); refused when any limit refuses, and
    then counted against none of them."""
    counted: list[tuple[str, int]] = []
    refusals: list[Verdict] = []
    for limit, key in attempts:
        verdict = limit.attempt(key)
        if verdict:
            counted.extend(verdict.counted_in)
        else:
            refusals.append(verdict)
    if refusals:
        give_back(Verdict(allowed=True, counted_in=tuple(counted)))
        wait = max(refusal.retry_after_seconds for refusal in refusals)
        return Verdict(allowed=False, retry_after_seconds=wait)
    return Verdict(allowed=True, counted_in=tuple(counted))


def give_back(verdict: Verdict) -> None:
    """Uncount an attempt that was let in (a login that turned out right, where only
    failures count)."""
    for counter, amount in verdict.counted_in:
        _decrement(counter, amount)


def _increment(counter: str, *, timeout: int) -> int:
    # add() writes the counter with its expiry only if it is missing; incr() then keeps
    # that expiry. Both are atomic in the embedded cache and in Redis.
    for _ in range(3):
        cache.add(counter, 0, timeout=timeout)
        try:
            return int(cache.incr(counter))
        except ValueError:
            continue  # expired between the two (the cache was cleared): add it again
    raise RuntimeError(f"The cache keeps losing the counter {counter}.")


def _decrement(counter: str, amount: int) -> None:
    # Gone from the cache (cleared, or out of the window): nothing to give back.
    with contextlib.suppress(ValueError):
        cache.decr(counter, amount)


def _whole(value: object) -> int:
    return value if isinstance(value, int) else 0


def wait_in_words(seconds: int) -> str:
    if seconds < 60:
        return f"in {seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return f"in {minutes} minute{'s' if minutes != 1 else ''}"
    hours = round(seconds / 3600)
    return f"in about {hours} hour{'s' if hours != 1 else ''}"


def client_address(request: HttpRequest) -> str:
    """The address the request came from.

    With ``FICSHELF_TRUSTED_PROXIES`` = N, the operator's N reverse proxies stand in front:
    each appends the address it was sent the request by to X-Forwarded-For, so the Nth
    address from the right was written by the outermost of them, and everything left of
    it by the client, who may write anything there. With none (the default), REMOTE_ADDR.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "unknown")
    proxies = settings.FICSHELF_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        # Not the header the configured proxies write (the request went round some of
        # them): the nearest proxy's address, which the client cannot choose.
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def limit_address(request: HttpRequest) -> str:
    """The client's address as rate limits count it: an IPv6 address by its /64 network,
    which one household or server is given whole."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def with_retry_after(response: HttpResponse, verdict: Verdict) -> HttpResponse:
    """``response`` (a refusal) with when to come back, kept by no browser or proxy."""
    response["Retry-After"] = str(verdict.retry_after_seconds)
    patch_cache_control(response, no_store=True)
    return response


def too_many_response(
    request: HttpRequest,
    verdict: Verdict,
    *,
    heading: str,
    message: str,
    back_url: str = "",
    back_label: str = "",
) -> HttpResponse:
    """The 429 page: what was refused and when to try again."""
    context = {
        "heading": heading,
        "message": message,
        "retry_in_words": verdict.retry_in_words,
        "back_url": back_url,
        "back_label": back_label,
    }
    response = render(request, "too_many.html", context, status=429)
    return with_retry_after(response, verdict)
