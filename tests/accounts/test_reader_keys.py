"""E-reader keys: an app signs in to the OPDS catalog and its downloads with a username and
a key (HTTP Basic), never the password; the key opens nothing else and is revoked alone."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import ReaderKey, User
from ficshelf.accounts.reader_keys import FAILED_ATTEMPTS_PER_HOUR, make_key
from tests.factories import UserFactory, WorkFactory
from tests.social.factories import ReadingFactory, ReadingListFactory

pytestmark = pytest.mark.django_db


def basic(username: str, key: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{key}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@pytest.fixture
def reader() -> User:
    return UserFactory(username="kobo_reader")


def test_a_new_key_is_shown_once_and_kept_only_as_a_hash(client: Client, reader: User) -> None:
    client.force_login(reader)
    response = client.post(reverse("accounts:reader_keys"), {"label": "KOReader on my Kobo"})
    assert response.status_code == 302
    page = client.get(reverse("accounts:reader_keys"))
    html = page.content.decode()
    key = html.split('<code class="reader-key">')[1].split("</code>")[0]
    assert len(key) >= 32
    assert "no-store" in page["Cache-Control"]
    assert "http://testserver/opds/" in html
    stored = ReaderKey.objects.get(user=reader)
    assert stored.label == "KOReader on my Kobo"
    assert key not in stored.key_hash
    again = client.get(reverse("accounts:reader_keys")).content.decode()
    assert key not in again and "KOReader on my Kobo" in again


def test_an_app_reads_marked_for_later_with_a_key(client: Client, reader: User) -> None:
    key = make_key(reader, "Thorium")
    ReadingFactory(
        user=reader, work=WorkFactory(title="Saved For Winter"), is_marked_for_later=True
    )
    response = client.get("/opds/later/", **basic("kobo_reader", key))
    assert response.status_code == 200
    assert "Saved For Winter" in response.content.decode()
    assert ReaderKey.objects.get().last_used_at is not None


def test_without_a_key_the_app_is_asked_to_sign_in(client: Client) -> None:
    response = client.get("/opds/later/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Basic realm="e-reader catalog"')
    root = client.get("/opds/").content.decode()
    assert "Your Marked for Later and reading lists" in root


def test_a_private_list_asks_a_guest_app_to_sign_in_and_opens_for_its_owner(
    client: Client, reader: User
) -> None:
    reading_list = ReadingListFactory(owner=reader, name="Winter", is_public=False)
    assert client.get(f"/opds/lists/{reading_list.pk}/").status_code == 401
    key = make_key(reader, "Moon+")
    response = client.get(f"/opds/lists/{reading_list.pk}/", **basic("kobo_reader", key))
    assert response.status_code == 200
    root = client.get("/opds/", **basic("kobo_reader", key)).content.decode()
    assert "Marked for Later" in root and "Winter" in root


@pytest.mark.parametrize(
    "credentials",
    [("kobo_reader", "not-the-key"), ("someone_else", "KEY"), ("", "")],
)
def test_a_wrong_key_is_refused_with_a_new_challenge(
    client: Client, reader: User, credentials: tuple[str, str]
) -> None:
    key = make_key(reader, "Kobo")
    username, given = credentials
    UserFactory(username="someone_else")
    response = client.get("/opds/", **basic(username, key if given == "KEY" else given))
    assert response.status_code == 401
    assert "do not match" in response.content.decode()


def test_a_malformed_header_is_a_wrong_key_not_an_error(client: Client) -> None:
    response = client.get("/opds/", HTTP_AUTHORIZATION="Basic %%%not-base64")
    assert response.status_code == 401


def test_a_key_opens_restricted_downloads(client: Client, reader: User) -> None:
    work = WorkFactory(title="Members Only", restricted=True)
    url = f"/downloads/{work.pk}/Members_Only.epub"
    assert client.get(url).status_code != 200
    response = client.get(url, **basic("kobo_reader", make_key(reader, "Kobo")))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/epub+zip"


@pytest.mark.parametrize("path", ["/accounts/settings/", "/accounts/reader-keys/"])
def test_a_key_opens_nothing_but_the_catalog_and_downloads(
    client: Client, reader: User, path: str
) -> None:
    response = client.get(path, **basic("kobo_reader", make_key(reader, "Kobo")))
    assert response.status_code == 302  # to the login page: a guest there
    assert "/accounts/login/" in response["Location"]


def test_a_key_never_signs_in_a_post(client: Client, reader: User) -> None:
    work = WorkFactory()
    headers: dict[str, Any] = basic("kobo_reader", make_key(reader, "Kobo"))
    client.post(f"/works/{work.pk}/kudos/", **headers)
    assert not work.kudos.filter(user=reader).exists()


def test_a_revoked_key_no_longer_signs_in(client: Client, reader: User) -> None:
    key = make_key(reader, "Lost phone")
    client.force_login(reader)
    stored = ReaderKey.objects.get()
    response = client.post(reverse("accounts:revoke_reader_key", args=[stored.pk]))
    assert response.status_code == 302
    client.logout()
    assert client.get("/opds/later/", **basic("kobo_reader", key)).status_code == 401


def test_someone_elses_key_cannot_be_revoked(client: Client, reader: User) -> None:
    make_key(reader, "Mine")
    client.force_login(UserFactory())
    stored = ReaderKey.objects.get()
    assert client.post(reverse("accounts:revoke_reader_key", args=[stored.pk])).status_code == 404
    assert ReaderKey.objects.filter(pk=stored.pk).exists()


def test_a_deactivated_account_key_is_refused(client: Client, reader: User) -> None:
    key = make_key(reader, "Kobo")
    reader.is_active = False
    reader.save()
    assert client.get("/opds/later/", **basic("kobo_reader", key)).status_code == 401


def test_too_many_failures_from_one_address_are_refused_for_an_hour(client: Client) -> None:
    for _ in range(FAILED_ATTEMPTS_PER_HOUR):
        client.get("/opds/", **basic("nobody", "wrong"))
    response = client.get("/opds/", **basic("nobody", "wrong"))
    assert response.status_code == 429
    assert "Too many failed sign-ins from here. Try again in" in response.content.decode()
    assert int(response["Retry-After"]) > 3600 - 60


def test_a_right_key_is_not_counted_as_a_failure(client: Client, reader: User) -> None:
    key = make_key(reader, "Kobo")
    for _ in range(FAILED_ATTEMPTS_PER_HOUR + 5):
        assert client.get("/opds/later/", **basic("kobo_reader", key)).status_code == 200
    assert client.get("/opds/", **basic("nobody", "wrong")).status_code == 401


def test_the_username_may_be_typed_in_any_case(client: Client, reader: User) -> None:
    key = make_key(reader, "Kobo")
    assert client.get("/opds/later/", **basic("Kobo_Reader", key)).status_code == 200
