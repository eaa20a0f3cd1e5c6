from __future__ import annotations

import pytest
from django.test import Client

from ficshelf.core.ratelimit import allow

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy_without_inline_scripts(client: Client) -> None:
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_rate_limit_allows_the_limit_then_refuses() -> None:
    results = [allow("test-action", "203.0.113.9", limit=3, per_seconds=60) for _ in range(5)]
    assert results == [True, True, True, False, False]


def test_rate_limit_counts_each_key_on_its_own() -> None:
    for _ in range(3):
        allow("test-action", "198.51.100.1", limit=3, per_seconds=60)
    assert allow("test-action", "198.51.100.2", limit=3, per_seconds=60)
