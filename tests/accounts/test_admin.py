"""The admin site: pseuds on the user page, suspending, archive settings, invitations."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import ArchiveSettings, Invitation, SignupMode, User
from tests.admin_helpers import run_action
from tests.factories import PseudFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(client: Client) -> User:
    user = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_user_admin_page_shows_the_users_pseuds(client: Client, boss: User) -> None:
    pseud = PseudFactory(name="Moonlit")

    html = client.get(reverse("admin:accounts_user_change", args=[pseud.user.pk])).content.decode()

    assert 'value="Moonlit"' in html


def test_admin_bans_and_unbans_users(client: Client, boss: User) -> None:
    troll = UserFactory(username="troll")
    changelist = reverse("admin:accounts_user_changelist")

    run_action(client, changelist, "ban", [troll.pk])
    troll.refresh_from_db()
    assert not troll.is_active

    run_action(client, changelist, "unban", [troll.pk])
    troll.refresh_from_db()
    assert troll.is_active


def test_admin_cannot_ban_themselves(client: Client, boss: User) -> None:
    run_action(client, reverse("admin:accounts_user_changelist"), "ban", [boss.pk])

    boss.refresh_from_db()
    assert boss.is_active


def test_admin_changes_the_signup_mode(client: Client, boss: User) -> None:
    archive = ArchiveSettings.current()

    client.post(
        reverse("admin:accounts_archivesettings_change", args=[archive.pk]),
        {"signup_mode": SignupMode.INVITE},
    )

    assert ArchiveSettings.current().signup_mode == SignupMode.INVITE


def test_archive_settings_list_goes_straight_to_the_one_row(client: Client, boss: User) -> None:
    response = client.get(reverse("admin:accounts_archivesettings_changelist"))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:accounts_archivesettings_change", args=[ArchiveSettings.current().pk]
    )


def test_admin_creates_an_invitation_with_a_generated_code(client: Client, boss: User) -> None:
    client.post(reverse("admin:accounts_invitation_add"), {"email": "friend@example.org"})

    invitation = Invitation.objects.get(email="friend@example.org")
    assert invitation.code
    assert not invitation.is_used
