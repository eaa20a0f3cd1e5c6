"""Requests per token and per address, counted in the shared cache, refused with 429 and
Retry-After."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api.helpers import auth, token_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limit(settings: pytest.FixtureRequest) -> int:
    settings.FICSHELF_API_REQUESTS_PER_MINUTE = 3  # type: ignore[attr-defined]
    return 3


def test_an_address_is_limited(client: Client, small_limit: int) -> None:
    for _ in range(small_limit):
        assert client.get("/api/v1/works").status_code == 200
    refused = client.get("/api/v1/works")
    assert refused.status_code == 429
    # The window, and at most one of its tenths more (core.ratelimit).
    assert 0 < int(refused["Retry-After"]) <= 66
    assert "Try again" in refused.json()["detail"]
    # Another address is not held up by this one.
    assert client.get("/api/v1/works", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_a_token_is_limited_from_any_address(client: Client, small_limit: int) -> None:
    token = token_for(UserFactory(), "read")
    for n in range(small_limit):
        response = client.get("/api/v1/works", REMOTE_ADDR=f"10.0.1.{n}", **auth(token))
        assert response.status_code == 200
    refused = client.get("/api/v1/works", REMOTE_ADDR="10.0.1.99", **auth(token))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
