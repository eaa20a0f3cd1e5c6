from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ficshelf.core.ratelimit import RateLimit

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy_without_inline_scripts(client: Client) -> None:
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_rate_limit_allows_the_limit_then_refuses() -> None:
    limit = RateLimit("test-action", limit=3, window_seconds=60)
    results = [bool(limit.attempt("203.0.113.9")) for _ in range(5)]
    assert results == [True, True, True, False, False]


def test_rate_limit_counts_each_key_on_its_own() -> None:
    limit = RateLimit("test-action", limit=3, window_seconds=60)
    for _ in range(3):
        limit.attempt("198.51.100.1")
    assert not limit.attempt("198.51.100.1")
    assert limit.attempt("198.51.100.2")


def test_work_text_keeps_images_and_the_policy_lets_them_load(client: Client) -> None:
    from ficshelf.core.sanitizer import SANITIZER_VERSION
    from tests.factories import WorkFactory

    work = WorkFactory()
    work.chapters.update(
        text='<p>Art: <img src="https://art.example.org/a.png"></p>',
        sanitizer_version=SANITIZER_VERSION,
    )
    response = client.get(work.get_absolute_url())
    assert 'src="https://art.example.org/a.png"' in response.content.decode()
    assert "img-src 'self' https:;" in response.headers["Content-Security-Policy"]


def test_image_sources_in_the_policy_follow_the_allowed_hosts(
    client: Client, settings: Any
) -> None:
    from ficshelf.core.image_hosts import parse_image_hosts

    settings.FICSHELF_IMAGE_HOSTS = parse_image_hosts("art.example.org,*.example.net")
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' https://art.example.org https://*.example.net;" in policy
    settings.FICSHELF_IMAGE_HOSTS = parse_image_hosts("none")
    assert "img-src 'self';" in client.get("/").headers["Content-Security-Policy"]


def test_admin_pages_carry_a_content_security_policy(admin_client: Client) -> None:
    response = admin_client.get("/admin/works/work/")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "img-src 'self';" in policy
    login = Client().get("/admin/login/")
    assert "Content-Security-Policy" in login.headers
