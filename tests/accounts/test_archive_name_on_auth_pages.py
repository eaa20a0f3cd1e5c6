"""Sign-in pages and mails name the archive, never the server's host (Django's auth views
put the request's host where the archive's name belongs when no sites framework is set up)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOST = "127.0.0.1:8101"
NAME = "Maple Shelf Archive"


@pytest.fixture(autouse=True)
def _named_archive(settings: pytest.FixtureRequest) -> None:
    settings.SITE_NAME = NAME  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "url_name",
    [
        "accounts:login",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_complete",
    ],
)
def test_guest_auth_pages_name_the_archive_not_the_host(client: Client, url_name: str) -> None:
    page = client.get(reverse(url_name), HTTP_HOST=HOST).content.decode()

    assert NAME in re.search(r"<title>(.*?)</title>", page, re.S).group(1)  # type: ignore[union-attr]
    assert NAME in page.split("</header>")[0]
    assert "127.0.0.1" not in page


def test_login_page_names_the_archive_after_a_wrong_password(client: Client) -> None:
    UserFactory(username="reader")

    page = client.post(
        reverse("accounts:login"), {"username": "reader", "password": "nope"}, HTTP_HOST=HOST
    ).content.decode()

    assert f"Log in · {NAME}" in page
    assert "127.0.0.1" not in page


def test_password_reset_link_page_names_the_archive(client: Client) -> None:
    page = client.get(
        reverse("accounts:password_reset_confirm", args=["MQ", "bad-token"]), HTTP_HOST=HOST
    ).content.decode()

    assert NAME in page
    assert "127.0.0.1" not in page.replace(f"http://{HOST}", "")


@pytest.mark.parametrize("url_name", ["accounts:password_change", "accounts:password_change_done"])
def test_member_auth_pages_name_the_archive_not_the_host(client: Client, url_name: str) -> None:
    client.force_login(UserFactory())

    page = client.get(reverse(url_name), HTTP_HOST=HOST).content.decode()

    assert NAME in re.search(r"<title>(.*?)</title>", page, re.S).group(1)  # type: ignore[union-attr]
    assert "127.0.0.1" not in page


def test_password_reset_mail_names_the_archive_in_subject_and_body(client: Client) -> None:
    UserFactory(username="forgetful", email="forgetful@example.org")

    client.post(
        reverse("accounts:password_reset"), {"email": "forgetful@example.org"}, HTTP_HOST=HOST
    )

    (message,) = mail.outbox
    assert message.subject == f"Reset your password on {NAME}"
    assert f"on {NAME}." in message.body
    # The link must reach the server the reader used; its host is the only place it belongs.
    assert message.body.count(HOST) == 1
    assert f"http://{HOST}/" in message.body
