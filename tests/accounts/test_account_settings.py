"""Changing the email address and deleting an account (orphaning or deleting works)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.actions import ORPHAN_USERNAME, delete_account
from ficshelf.accounts.models import Pseud, User
from ficshelf.works.models import Creatorship, Work
from tests.factories import PseudFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def test_account_pages_need_a_signed_in_user(client: Client) -> None:
    for name in ["settings", "change_email", "delete", "preferences", "pseuds", "blocks", "mutes"]:
        response = client.get(reverse(f"accounts:{name}"))
        assert response.status_code == 302, name
        assert reverse("accounts:login") in response["Location"]


def test_change_email_with_the_password_changes_it(
    client: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    user = UserFactory(email="old@example.org")
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:change_email"), {"email": "new@example.org", "password": PASSWORD}
        )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "new@example.org"
    assert mail.outbox[0].to == ["old@example.org"]


def test_change_email_with_a_wrong_password_is_refused(client: Client) -> None:
    user = UserFactory(email="old@example.org")
    client.force_login(user)

    response = client.post(
        reverse("accounts:change_email"), {"email": "new@example.org", "password": "nope"}
    )

    assert "That is not your password." in response.content.decode()
    user.refresh_from_db()
    assert user.email == "old@example.org"


def test_change_email_refuses_an_address_another_account_uses(client: Client) -> None:
    UserFactory(username="other", email="taken@example.org")
    client.force_login(UserFactory())

    response = client.post(
        reverse("accounts:change_email"), {"email": "TAKEN@example.org", "password": PASSWORD}
    )

    assert "Another account uses this email address." in response.content.decode()


def test_delete_account_asks_for_confirmation_first(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("accounts:delete"), {"works": "orphan", "password": PASSWORD})

    assert "Tick this box to confirm." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_account_needs_the_password(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:delete"), {"works": "orphan", "password": "nope", "confirm": "on"}
    )

    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_account_with_orphaning_keeps_works_credited_to_orphan_account(
    client: Client,
) -> None:
    pseud = PseudFactory()
    work = WorkFactory(creator=pseud)
    client.force_login(pseud.user)

    response = client.post(
        reverse("accounts:delete"), {"works": "orphan", "password": PASSWORD, "confirm": "on"}
    )

    assert response.status_code == 200
    assert "Your account has been deleted" in response.content.decode()
    assert not User.objects.filter(pk=pseud.user.pk).exists()
    credited = [c.pseud for c in Creatorship.objects.filter(work=work)]
    assert [(p.name, p.user.username) for p in credited] == [(ORPHAN_USERNAME, ORPHAN_USERNAME)]


def test_delete_account_signs_the_browser_out(client: Client) -> None:
    client.force_login(UserFactory())

    client.post(
        reverse("accounts:delete"), {"works": "orphan", "password": PASSWORD, "confirm": "on"}
    )

    assert "_auth_user_id" not in client.session


def test_orphan_account_cannot_log_in() -> None:
    pseud = PseudFactory()
    WorkFactory(creator=pseud)

    delete_account(pseud.user, orphan_works=True)

    orphan = User.objects.get(username=ORPHAN_USERNAME)
    assert not orphan.is_active
    assert not orphan.has_usable_password()


def test_delete_account_with_deleting_removes_works_created_alone() -> None:
    pseud = PseudFactory()
    work = WorkFactory(creator=pseud)

    delete_account(pseud.user, orphan_works=False)

    assert not Work.objects.filter(pk=work.pk).exists()


def test_delete_account_with_deleting_keeps_co_created_works_for_the_others() -> None:
    leaving, staying = PseudFactory(), PseudFactory()
    work = WorkFactory(creator=leaving)
    Creatorship.objects.create(work=work, pseud=staying, position=1)

    delete_account(leaving.user, orphan_works=False)

    assert [c.pseud for c in Creatorship.objects.filter(work=work)] == [staying]


def test_orphaning_two_accounts_shares_one_orphan_pseud() -> None:
    first, second = PseudFactory(), PseudFactory()
    WorkFactory(creator=first)
    WorkFactory(creator=second)

    delete_account(first.user, orphan_works=True)
    delete_account(second.user, orphan_works=True)

    assert Pseud.objects.filter(name=ORPHAN_USERNAME).count() == 1
    assert Creatorship.objects.filter(pseud__name=ORPHAN_USERNAME).count() == 2


def test_delete_account_with_a_bad_choice_is_a_form_error(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:delete"), {"works": "explode", "password": PASSWORD, "confirm": "on"}
    )

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
