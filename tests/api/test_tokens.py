"""Tokens: only a hash kept; scopes refused with 403 and nothing written; expired, revoked
and unknown tokens 401; the token page makes, lists and revokes them."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from ficshelf.accounts.moderation import suspend
from ficshelf.api.models import ApiToken
from ficshelf.api.tokens import digest
from ficshelf.social.models import Bookmark, Comment, Kudos, Reading, Subscription
from tests.api.helpers import call, token_for
from tests.factories import UserFactory, WorkFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def test_only_the_hash_is_kept() -> None:
    token = token_for(UserFactory(), "read")
    stored = ApiToken.objects.get()
    assert token not in {stored.token_hash, stored.name, stored.scopes}
    assert stored.token_hash == digest(token)


ALL_WRITE_SCOPES = (
    "write:kudos",
    "write:comments",
    "write:bookmarks",
    "write:subscriptions",
    "write:reading",
)
WRITES = [
    ("POST", "/api/v1/works/{w}/kudos", None, Kudos),
    ("POST", "/api/v1/works/{w}/chapters/{c}/comments", {"text": "Hi"}, Comment),
    ("PUT", "/api/v1/works/{w}/bookmark", {"notes": ""}, Bookmark),
    ("PUT", "/api/v1/works/{w}/subscription", None, Subscription),
    ("PUT", "/api/v1/works/{w}/marked-for-later", None, Reading),
]


@pytest.mark.parametrize(("method", "url", "body", "model"), WRITES)
def test_a_scope_the_token_lacks_is_refused_and_nothing_written(
    client: Client, method: str, url: str, body: object, model: type
) -> None:
    work = WorkFactory()
    path = url.format(w=work.pk, c=work.chapters.get().pk)
    token = token_for(UserFactory(), "read")
    status, data = call(client, method, path, token, body)
    assert status == 403
    assert "scope" in data["detail"]
    assert not model.objects.exists()
    status, data = call(client, method, path, None, body)
    assert status == 401
    assert not model.objects.exists()


def test_expired_revoked_and_unknown_tokens_are_401(client: Client) -> None:
    work = WorkFactory()
    member = UserFactory()
    token = token_for(member, "read", "write:kudos")
    assert call(client, "GET", f"/api/v1/works/{work.pk}", token)[0] == 200
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    status, data = call(client, "POST", f"/api/v1/works/{work.pk}/kudos", token)
    assert status == 401
    assert "expired" in data["detail"]
    assert not Kudos.objects.exists()
    live = token_for(member, "read", "write:kudos")
    client.force_login(member)
    token_id = ApiToken.objects.get(token_hash=digest(live)).pk
    assert client.post(f"/accounts/api-tokens/{token_id}/revoke/").status_code == 302
    client.logout()
    assert call(client, "POST", f"/api/v1/works/{work.pk}/kudos", live)[0] == 401
    assert call(client, "GET", f"/api/v1/works/{work.pk}", "fsh_made-up")[0] == 401
    response = client.get(f"/api/v1/works/{work.pk}", HTTP_AUTHORIZATION="Basic abc")
    assert response.status_code == 401
    assert not Kudos.objects.exists()


def test_a_banned_members_token_signs_nobody_in(client: Client) -> None:
    member = UserFactory()
    token = token_for(member, "read")
    type(member).objects.filter(pk=member.pk).update(is_active=False)
    assert call(client, "GET", "/api/v1/works", token)[0] == 401


@pytest.mark.parametrize(("method", "url", "body", "model"), WRITES)
def test_a_suspended_member_reads_but_writes_nothing(
    client: Client, method: str, url: str, body: object, model: type
) -> None:
    work = WorkFactory()
    member = UserFactory()
    token = token_for(member, "read", *ALL_WRITE_SCOPES)
    suspend(
        member,
        until=timezone.now() + datetime.timedelta(days=2),
        reason="Flooding comments.",
        actor=UserFactory(is_staff=True, is_superuser=True),
    )
    assert call(client, "GET", f"/api/v1/works/{work.pk}", token)[0] == 200
    status, data = call(
        client, method, url.format(w=work.pk, c=work.chapters.get().pk), token, body
    )
    assert status == 403 and "suspended" in data["detail"]
    assert not model.objects.exists()


def test_the_session_is_not_read(client: Client) -> None:
    work = WorkFactory(restricted=True)
    client.force_login(UserFactory())
    assert call(client, "GET", f"/api/v1/works/{work.pk}")[0] == 404
    assert call(client, "POST", f"/api/v1/works/{work.pk}/kudos")[0] == 401


def test_the_token_page_makes_lists_and_revokes(client: Client) -> None:
    member = UserFactory()
    client.force_login(member)
    response = client.post(
        "/accounts/api-tokens/",
        {"name": "exporter", "scopes": ["read", "write:bookmarks"], "days": "90"},
    )
    assert response.status_code == 302
    page = page_text(client.get("/accounts/api-tokens/"))
    stored = ApiToken.objects.get(user=member)
    shown = page.split('class="reader-key api-token">')[1].split("<")[0]
    assert digest(shown) == stored.token_hash
    assert stored.scope_list == ["read", "write:bookmarks"]
    assert (stored.expires_at - timezone.now()).days in (89, 90)
    again = page_text(client.get("/accounts/api-tokens/"))
    assert shown not in again  # shown once
    assert "exporter" in again and "never used" in again
    call(client, "GET", "/api/v1/works", shown)
    assert "last used" in page_text(client.get("/accounts/api-tokens/"))
    other = UserFactory()
    client.force_login(other)
    assert client.post(f"/accounts/api-tokens/{stored.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=stored.pk).exists()


def test_the_token_page_refuses_a_token_without_scopes(client: Client) -> None:
    client.force_login(UserFactory())
    response = client.post("/accounts/api-tokens/", {"name": "nothing", "days": "30"})
    assert response.status_code == 400
    assert "Choose at least one" in page_text(response, 400)
    assert not ApiToken.objects.exists()
