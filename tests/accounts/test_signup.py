"""Creating an account in the three sign-up modes: open, invitation codes, invitation queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.core import mail
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import ArchiveSettings, Invitation, InviteRequest, SignupMode, User
from tests.accounts.factories import InvitationFactory, InviteRequestFactory
from tests.factories import UserFactory
from tests.helpers import guarded

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase"


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "username": "newreader",
        "email": "newreader@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "is_at_least_13": "on",
        "accepts_terms": "on",
    }
    data.update(overrides)
    return guarded(data)


def set_mode(mode: str) -> None:
    archive = ArchiveSettings.current()
    archive.signup_mode = mode
    archive.save()


def test_open_mode_creates_an_account_and_signs_it_in(client: Client) -> None:
    response = client.post(reverse("accounts:signup"), signup_data())

    assert response.status_code == 302
    user = User.objects.get(username="newreader")
    assert user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_new_account_gets_a_default_pseud_named_like_the_username(client: Client) -> None:
    client.post(reverse("accounts:signup"), signup_data())

    pseuds = list(User.objects.get(username="newreader").pseuds.all())
    assert [(p.name, p.is_default) for p in pseuds] == [("newreader", True)]


def test_signup_mode_starts_from_the_setting(settings: pytest.FixtureRequest) -> None:
    settings.FICSHELF_SIGNUP_MODE = "invite"

    assert ArchiveSettings.current().signup_mode == SignupMode.INVITE


def test_signup_mode_changed_by_an_admin_wins_over_the_setting(
    settings: pytest.FixtureRequest,
) -> None:
    set_mode(SignupMode.QUEUE)
    settings.FICSHELF_SIGNUP_MODE = "open"

    assert ArchiveSettings.current().signup_mode == SignupMode.QUEUE


def test_signup_requires_the_age_checkbox(client: Client) -> None:
    data = signup_data()
    del data["is_at_least_13"]

    response = client.post(reverse("accounts:signup"), data)

    assert response.status_code == 200
    assert "You must be at least 13" in response.content.decode()
    assert not User.objects.filter(username="newreader").exists()


def test_signup_requires_accepting_the_terms(client: Client) -> None:
    data = signup_data()
    del data["accepts_terms"]

    response = client.post(reverse("accounts:signup"), data)

    assert response.status_code == 200
    assert "You must accept the Terms of Service" in response.content.decode()
    assert not User.objects.filter(username="newreader").exists()


def test_signup_refuses_mismatched_passwords(client: Client) -> None:
    response = client.post(reverse("accounts:signup"), signup_data(password2="something else!!"))

    assert "The two passwords do not match." in response.content.decode()
    assert not User.objects.filter(username="newreader").exists()


def test_signup_refuses_a_weak_password(client: Client) -> None:
    response = client.post(
        reverse("accounts:signup"), signup_data(password1="password", password2="password")
    )

    assert "This password is too common." in response.content.decode()
    assert not User.objects.filter(username="newreader").exists()


def test_signup_refuses_a_taken_username_whatever_its_case(client: Client) -> None:
    UserFactory(username="NewReader")

    response = client.post(reverse("accounts:signup"), signup_data())

    assert "That username is taken." in response.content.decode()


def test_signup_refuses_an_email_already_in_use(client: Client) -> None:
    UserFactory(username="someone", email="NewReader@example.org")

    response = client.post(reverse("accounts:signup"), signup_data())

    assert "An account with this email address already exists." in response.content.decode()


def test_signup_refuses_the_orphan_account_name(client: Client) -> None:
    response = client.post(reverse("accounts:signup"), signup_data(username="orphan_account"))

    assert "That username is taken." in response.content.decode()


def test_signup_form_has_csrf_protection() -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("accounts:signup"), signup_data())

    assert response.status_code == 403


def test_signup_is_rate_limited_per_address(client: Client) -> None:
    for n in range(10):
        client.post(reverse("accounts:signup"), signup_data(username=f"x{n}", password2="no"))

    response = client.post(reverse("accounts:signup"), signup_data())

    assert response.status_code == 429
    assert "Too many attempts. Please try again in" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert not User.objects.filter(username="newreader").exists()


def test_invite_mode_refuses_signup_without_a_valid_code(client: Client) -> None:
    set_mode(SignupMode.INVITE)

    response = client.post(reverse("accounts:signup"), signup_data(invitation_code="nonsense"))

    assert response.status_code == 200
    assert "This invitation code is not valid or has been used." in response.content.decode()
    assert not User.objects.filter(username="newreader").exists()


def test_invite_mode_accepts_an_unused_code_and_marks_it_used(client: Client) -> None:
    set_mode(SignupMode.INVITE)
    invitation = InvitationFactory()

    client.post(reverse("accounts:signup"), signup_data(invitation_code=invitation.code))

    invitation.refresh_from_db()
    assert invitation.used_by == User.objects.get(username="newreader")
    assert invitation.used_at is not None


def test_invite_mode_refuses_a_code_used_before(client: Client) -> None:
    set_mode(SignupMode.INVITE)
    invitation = InvitationFactory(used_by=UserFactory())

    response = client.post(reverse("accounts:signup"), signup_data(invitation_code=invitation.code))

    assert "not valid or has been used" in response.content.decode()
    assert not User.objects.filter(username="newreader").exists()


def test_invitation_link_fills_in_the_code(client: Client) -> None:
    set_mode(SignupMode.INVITE)
    invitation = InvitationFactory()

    response = client.get(reverse("accounts:signup") + f"?invitation={invitation.code}")

    assert f'value="{invitation.code}"' in response.content.decode()


def test_invitation_codes_are_made_unique_and_unguessable() -> None:
    first, second = InvitationFactory(), InvitationFactory()

    assert first.code != second.code
    assert len(first.code) >= 20


def test_queue_mode_sends_visitors_without_a_code_to_the_queue(client: Client) -> None:
    set_mode(SignupMode.QUEUE)

    response = client.get(reverse("accounts:signup"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:request_invitation")


def test_queue_mode_adds_an_email_to_the_queue_once(client: Client) -> None:
    set_mode(SignupMode.QUEUE)

    client.post(reverse("accounts:request_invitation"), {"email": "hopeful@example.org"})
    response = client.post(reverse("accounts:request_invitation"), {"email": "hopeful@example.org"})

    assert "You are number <strong>1</strong> in the queue." in response.content.decode()
    assert InviteRequest.objects.filter(email="hopeful@example.org").count() == 1


def test_the_queue_page_tells_each_requester_their_place(client: Client) -> None:
    set_mode(SignupMode.QUEUE)
    url = reverse("accounts:request_invitation")
    for email in ("first@example.org", "second@example.org", "third@example.org"):
        client.post(url, {"email": email})
    InviteRequest.objects.filter(email="first@example.org").update(
        invitation=Invitation.objects.create(email="first@example.org")
    )

    third = client.post(url, {"email": "third@example.org"}).content.decode()
    first = client.post(url, {"email": "first@example.org"}).content.decode()

    assert "You are number <strong>2</strong> in the queue." in third  # the first was invited
    assert "An invitation was already sent" in first


def test_queue_request_with_a_bad_email_is_a_form_error(client: Client) -> None:
    set_mode(SignupMode.QUEUE)

    response = client.post(reverse("accounts:request_invitation"), {"email": "not an email"})

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not InviteRequest.objects.exists()


def test_admin_approving_a_queue_request_emails_an_invitation_code(
    client: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    set_mode(SignupMode.QUEUE)
    waiting = InviteRequestFactory(email="hopeful@example.org")
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:accounts_inviterequest_changelist"),
            {"action": "approve", admin.helpers.ACTION_CHECKBOX_NAME: [waiting.pk]},
        )

    waiting.refresh_from_db()
    assert waiting.invitation is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hopeful@example.org"]
    assert waiting.invitation.code in mail.outbox[0].body


def test_code_from_an_approved_queue_request_creates_an_account(client: Client) -> None:
    set_mode(SignupMode.QUEUE)
    invitation = InvitationFactory(email="hopeful@example.org")

    response = client.post(reverse("accounts:signup"), signup_data(invitation_code=invitation.code))

    assert response.status_code == 302
    assert User.objects.filter(username="newreader").exists()


def test_approving_a_request_twice_sends_one_invitation() -> None:
    from ficshelf.accounts.actions import approve_invite_requests

    waiting = InviteRequestFactory()
    boss = UserFactory(is_staff=True)

    approve_invite_requests([waiting], actor=boss, signup_url="http://x/")
    approve_invite_requests([waiting], actor=boss, signup_url="http://x/")

    assert Invitation.objects.count() == 1


def test_signed_in_user_is_sent_away_from_signup(client: Client) -> None:
    client.force_login(UserFactory())

    response = client.get(reverse("accounts:signup"))

    assert response.status_code == 302
