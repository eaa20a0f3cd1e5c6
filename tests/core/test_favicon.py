"""/favicon.ico answers with the archive's icon, kept by browsers, and every page names it."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ICO_HEADER = b"\x00\x00\x01\x00"  # reserved 0, type 1 (icon)


def test_favicon_is_a_real_icon_with_caching_headers(client: Client) -> None:
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content.startswith(ICO_HEADER)
    assert int.from_bytes(response.content[4:6], "little") >= 2  # 16 and 32 pixels at least
    assert "public" in response["Cache-Control"] and "max-age=604800" in response["Cache-Control"]
    assert response["ETag"]


def test_favicon_unchanged_since_the_browser_kept_it_is_a_304(client: Client) -> None:
    tag = client.get("/favicon.ico")["ETag"]

    response = client.get("/favicon.ico", HTTP_IF_NONE_MATCH=tag)

    assert response.status_code == 304 and response.content == b""


def test_favicon_answers_head_and_refuses_post(client: Client) -> None:
    assert client.head("/favicon.ico").status_code == 200
    assert client.post("/favicon.ico").status_code == 405


def test_every_page_names_its_icons(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()

    assert '<link rel="icon" href="/favicon.ico" sizes="16x16 32x32 48x48">' in page
    svg = '<link rel="icon" href="/static/ficshelf/favicon.svg" type="image/svg+xml">'
    assert svg in page
    assert client.get("/static/ficshelf/favicon.svg").status_code == 200
