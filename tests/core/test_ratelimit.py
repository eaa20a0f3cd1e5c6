"""Rate limits on the real shared cache (the embedded one, and Redis when
FICSHELF_TEST_REDIS_URL is set): a limit holds for its whole window, after its first five
minutes and after many unrelated writes, never doubles at a window's turn, lets exactly its
limit through from two processes at once, and counts no refused attempt."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory

from ficshelf.core.ratelimit import (
    RateLimit,
    attempt_all,
    client_address,
    give_back,
    limit_address,
    wait_in_words,
)
from tests.caches import FakeClock, needs_redis, run_cache_processes

REPOSITORY = Path(__file__).resolve().parents[2]
HOURLY = RateLimit("test-hourly", limit=10, window_seconds=3600)
FIVE_MINUTES = RateLimit("test-five-minutes", limit=10, window_seconds=300)


def allowed(limit: RateLimit, key: str, times: int) -> int:
    return sum(bool(limit.attempt(key)) for _ in range(times))


def test_a_limit_lets_exactly_its_limit_through(shared_cache: str) -> None:
    assert allowed(FIVE_MINUTES, "reader", 25) == 10
    assert allowed(FIVE_MINUTES, "another reader", 10) == 10  # keys are counted apart


def test_an_hourly_limit_still_holds_after_its_first_five_minutes(
    shared_cache: str, clock: FakeClock
) -> None:
    assert allowed(HOURLY, "reader", 10) == 10
    clock.advance(6 * 60)  # the file cache's incr gave counters 300 s
    assert not HOURLY.attempt("reader")
    clock.advance(50 * 60)
    assert not HOURLY.attempt("reader")


def test_a_limits_counters_expire_after_the_window_not_before(clock: FakeClock) -> None:
    """The embedded cache keeps the expiry a counter was written with when it is
    incremented (Django's file cache wrote it again with 300 s)."""
    assert allowed(HOURLY, "reader", 10) == 10
    clock.advance(59 * 60)
    assert not HOURLY.attempt("reader")
    clock.advance(2 * 60 * 60)
    assert allowed(HOURLY, "reader", 10) == 10


@needs_redis
def test_redis_keeps_a_counter_for_its_whole_window(redis_cache: None) -> None:
    """Redis expires keys by its own clock: the counters' time to live is asked of it."""
    import redis

    assert allowed(HOURLY, "reader", 10) == 10
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    keys = list(client.scan_iter(match=f"{prefix}:*ratelimit:test-hourly:*"))
    assert len(keys) == 1
    assert client.ttl(keys[0]) >= 3600


def test_a_limit_holds_after_a_thousand_unrelated_cache_writes(shared_cache: str) -> None:
    assert allowed(HOURLY, "reader", 10) == 10
    for n in range(1000):
        cache.set(f"unrelated:{n}", "x" * 200, timeout=600)
    assert not HOURLY.attempt("reader")
    assert cache.get("unrelated:0") is not None  # nothing was culled at random either


def test_a_limit_does_not_double_at_a_windows_turn(shared_cache: str, clock: FakeClock) -> None:
    # Fixed windows let 10 in just before the hour and 10 more just after it.
    clock.advance(3600 - 5)
    assert allowed(HOURLY, "reader", 10) == 10
    clock.advance(10)
    assert allowed(HOURLY, "reader", 10) == 0


def test_attempts_leave_the_window_in_the_order_they_were_made(
    shared_cache: str, clock: FakeClock
) -> None:
    assert allowed(FIVE_MINUTES, "reader", 4) == 4
    clock.advance(100)
    assert allowed(FIVE_MINUTES, "reader", 6) == 6
    refused = FIVE_MINUTES.attempt("reader")
    assert not refused
    # The first four leave the window between 300 and 330 s after they were made; the
    # refusal says when, and it is so.
    assert 200 <= refused.retry_after_seconds <= 230
    clock.advance(refused.retry_after_seconds - 1)
    assert not FIVE_MINUTES.attempt("reader")
    clock.advance(1)
    assert allowed(FIVE_MINUTES, "reader", 5) == 4


def test_refused_attempts_are_not_counted(shared_cache: str, clock: FakeClock) -> None:
    assert allowed(FIVE_MINUTES, "reader", 10) == 10
    first_refusal = FIVE_MINUTES.attempt("reader")
    assert allowed(FIVE_MINUTES, "reader", 50) == 0  # hammering does not push it further
    clock.advance(first_refusal.retry_after_seconds)
    assert FIVE_MINUTES.attempt("reader")


def test_attempts_counted_against_several_limits_are_all_refused_or_all_counted() -> None:
    small = RateLimit("test-small", limit=2, window_seconds=300)
    assert attempt_all([(small, "a"), (FIVE_MINUTES, "a")])
    assert attempt_all([(small, "a"), (FIVE_MINUTES, "a")])
    refused = attempt_all([(small, "a"), (FIVE_MINUTES, "a")])
    assert not refused and refused.retry_after_seconds > 0
    # The larger limit was not charged for the refused attempt: 8 left, not 7.
    assert allowed(FIVE_MINUTES, "a", 20) == 8


def test_an_attempt_given_back_is_not_counted() -> None:
    for _ in range(30):
        verdict = FIVE_MINUTES.attempt("reader")
        assert verdict
        give_back(verdict)
    assert allowed(FIVE_MINUTES, "reader", 20) == 10


def run_counting_processes(mode: str, times: int) -> list[dict[str, int]]:
    # The processes import Django first, then start counting together.
    return run_cache_processes(mode, str(times), count=2, start_at=time.time() + 2)


def test_two_processes_incrementing_one_counter_lose_no_counts(shared_cache: str) -> None:
    run_counting_processes("incr", 1000)
    assert cache.get("shared-counter") == 2000


def test_two_processes_at_once_get_exactly_the_limit_through(shared_cache: str) -> None:
    results = run_counting_processes("attempt", 500)
    assert sum(result["allowed"] for result in results) == 700


# ---- The client's address ----


def request_from(remote: str, forwarded: str | None = None):  # type: ignore[no-untyped-def]
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_x_forwarded_for_is_ignored(settings: object) -> None:
    request = request_from("203.0.113.9", "198.51.100.1")
    assert client_address(request) == "203.0.113.9"


def test_with_one_trusted_proxy_the_address_it_added_is_the_clients(settings: object) -> None:
    settings.FICSHELF_TRUSTED_PROXIES = 1  # type: ignore[attr-defined]
    # What the client wrote itself (the first) is not believed; what the proxy added is.
    request = request_from("10.0.0.2", "192.0.2.66, 198.51.100.1")
    assert client_address(request) == "198.51.100.1"


def test_with_two_trusted_proxies_the_second_address_from_the_right_is_the_clients(
    settings: object,
) -> None:
    settings.FICSHELF_TRUSTED_PROXIES = 2  # type: ignore[attr-defined]
    request = request_from("10.0.0.3", "192.0.2.66, 198.51.100.1, 10.0.0.2")
    assert client_address(request) == "198.51.100.1"


def test_a_header_shorter_than_the_proxies_or_not_an_address_means_the_proxy(
    settings: object,
) -> None:
    settings.FICSHELF_TRUSTED_PROXIES = 2  # type: ignore[attr-defined]
    assert client_address(request_from("10.0.0.3", "198.51.100.1")) == "10.0.0.3"
    assert client_address(request_from("10.0.0.3", "")) == "10.0.0.3"
    assert client_address(request_from("10.0.0.3", "<script>, 10.0.0.2")) == "10.0.0.3"


def test_ipv6_addresses_are_limited_by_their_64_network() -> None:
    one = request_from("2001:db8:1:2:aaaa::1")
    other = request_from("2001:db8:1:2:bbbb::2")
    elsewhere = request_from("2001:db8:1:3::1")
    assert limit_address(one) == limit_address(other) == "2001:db8:1:2::/64"
    assert limit_address(elsewhere) != limit_address(one)
    assert limit_address(request_from("::ffff:192.0.2.1")) == "192.0.2.1"
    assert limit_address(request_from("192.0.2.1")) == "192.0.2.1"


def test_waits_are_said_in_words() -> None:
    assert wait_in_words(1) == "in 1 second"
    assert wait_in_words(45) == "in 45 seconds"
    assert wait_in_words(61) == "in 2 minutes"
    assert wait_in_words(3000) == "in 50 minutes"
    assert wait_in_words(3 * 3600) == "in about 3 hours"
