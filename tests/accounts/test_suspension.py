"""Banning and deleting accounts: the member is signed out everywhere at once (their
sessions and the cache's copies of them go), their works stay readable while banned
(as on AO3), and their pages answer 404. (Suspensions, which let the member sign in and
read: tests/moderation/test_member_standing.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client

from ficshelf.accounts.models import User
from ficshelf.core.models import AuditEntry
from tests.admin_helpers import run_action
from tests.factories import PseudFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db

USERS = "/admin/accounts/user/"


def signed_in(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    assert browser.get("/accounts/settings/").status_code == 200
    return browser


def is_signed_in(browser: Client) -> bool:
    return browser.get("/accounts/settings/").status_code == 200


def session_keys_of(user: User) -> list[str]:
    return [
        session.session_key
        for session in Session.objects.all()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]


@pytest.fixture
def boss() -> Client:
    browser = Client()
    browser.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return browser


def test_a_suspended_member_is_signed_out_everywhere_at_once(
    boss: Client, django_capture_on_commit_callbacks: Any
) -> None:
    troll = UserFactory(username="troll")
    laptop, phone = signed_in(troll), signed_in(troll)
    bystander = signed_in(UserFactory())
    keys = session_keys_of(troll)
    assert len(keys) == 2

    with django_capture_on_commit_callbacks(execute=True):
        run_action(boss, USERS, "ban", [troll.pk], reason="Harassment.")

    assert not is_signed_in(laptop) and not is_signed_in(phone)
    assert is_signed_in(bystander)
    assert session_keys_of(troll) == []
    cached = caches["default"]
    assert all(cached.get(SessionStore(session_key=key).cache_key) is None for key in keys)


def test_unsuspending_does_not_bring_an_old_session_back(
    boss: Client, django_capture_on_commit_callbacks: Any
) -> None:
    troll = UserFactory(username="troll")
    laptop = signed_in(troll)
    with django_capture_on_commit_callbacks(execute=True):
        run_action(boss, USERS, "ban", [troll.pk], reason="Cooling off.")
        run_action(boss, USERS, "unban", [troll.pk], reason="Served the time.")

    troll.refresh_from_db()
    assert troll.is_active
    assert not is_signed_in(laptop)
    assert [e.action for e in AuditEntry.objects.order_by("pk")] == ["ban", "unban"]


def test_a_suspended_members_works_stay_readable_and_their_pages_are_gone(
    client: Client, boss: Client
) -> None:
    pseud = PseudFactory(user=UserFactory(username="suspended_writer"))
    work = WorkFactory(title="Still Here", creator=pseud)

    run_action(boss, USERS, "ban", [pseud.user.pk], reason="Spam comments.")

    assert client.get(work.get_absolute_url()).status_code == 200
    assert client.get("/users/suspended_writer/").status_code == 404
    assert client.get("/users/suspended_writer/works/").status_code == 404


def test_suspending_needs_a_reason_and_without_one_nothing_happens(boss: Client) -> None:
    troll = UserFactory(username="troll")
    laptop = signed_in(troll)

    response = run_action(boss, USERS, "ban", [troll.pk], reason="")

    assert response.status_code == 400
    troll.refresh_from_db()
    assert troll.is_active and is_signed_in(laptop)
    assert not AuditEntry.objects.exists()


def test_an_admin_deleting_an_account_chooses_what_becomes_of_its_works(boss: Client) -> None:
    kept = PseudFactory(user=UserFactory(username="leaving_kept"))
    gone = PseudFactory(user=UserFactory(username="leaving_gone"))
    orphaned = WorkFactory(title="Orphaned", creator=kept)
    deleted = WorkFactory(title="Deleted", creator=gone)
    browser = signed_in(gone.user)

    run_action(boss, USERS, "delete_with_reason", [kept.user.pk], reason="Asked.", works="orphan")
    run_action(boss, USERS, "delete_with_reason", [gone.user.pk], reason="Spam.", works="delete")

    orphaned.refresh_from_db()
    assert orphaned.byline == "orphan_account"
    assert not type(deleted).objects.filter(pk=deleted.pk).exists()
    assert not User.objects.filter(username__in=["leaving_kept", "leaving_gone"]).exists()
    assert not is_signed_in(browser)
    entries = AuditEntry.objects.order_by("pk")
    assert [(e.target_repr, e.details["works"]) for e in entries] == [
        ("leaving_kept", "orphaned"),
        ("leaving_gone", "deleted"),
    ]


def test_members_deleting_their_account_are_signed_out_on_every_device(client: Client) -> None:
    leaving = UserFactory(username="leaving")
    other_device = signed_in(leaving)
    client.force_login(leaving)

    client.post(
        "/accounts/delete/",
        {"works": "orphan", "password": "correct horse battery staple", "confirm": "on"},
    )

    assert not is_signed_in(other_device)
    assert session_keys_of(leaving) == []
