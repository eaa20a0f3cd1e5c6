"""Logging in and out, suspended accounts, password reset and change (the login limits:
test_login_limits.py)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's password


def log_in(client: Client, username: str, password: str = PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def test_login_with_the_right_password_signs_in(client: Client) -> None:
    user = UserFactory(username="reader")

    response = log_in(client, "reader")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_a_wrong_password_shows_an_error(client: Client) -> None:
    UserFactory(username="reader")

    response = log_in(client, "reader", "wrong password")

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_signs_out(client: Client) -> None:
    client.force_login(UserFactory())

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_login_is_refused_with_429_after_too_many_attempts_from_one_address(
    client: Client,
) -> None:
    UserFactory(username="reader")
    for n in range(20):
        log_in(client, f"someone{n}", "guess")

    response = log_in(client, "reader")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_banned_user_cannot_log_in(client: Client) -> None:
    UserFactory(username="suspended", is_active=False)

    response = log_in(client, "suspended")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "This account is banned." in response.content.decode()


def test_only_the_right_password_learns_that_an_account_is_banned(client: Client) -> None:
    UserFactory(username="suspended", is_active=False)

    response = client.post(
        reverse("accounts:login"), {"username": "suspended", "password": "a wrong guess"}
    )

    html = response.content.decode()
    assert "suspended" not in html.replace('value="suspended"', "")
    assert "Please enter a correct username and password" in html


def test_suspended_users_session_no_longer_signs_them_in(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)
    user.is_active = False
    user.save()

    response = client.get(reverse("accounts:settings"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_login_form_has_csrf_protection() -> None:
    UserFactory(username="reader")
    client = Client(enforce_csrf_checks=True)

    assert log_in(client, "reader").status_code == 403


def test_password_reset_emails_a_link_that_sets_a_new_password(client: Client) -> None:
    user = UserFactory(username="forgetful", email="forgetful@example.org")

    response = client.post(reverse("accounts:password_reset"), {"email": "forgetful@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body)
    assert link is not None

    form_page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new_password = "a brand new passphrase"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )

    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_for_an_unknown_email_sends_nothing_and_tells_nothing(
    client: Client,
) -> None:
    response = client.post(
        reverse("accounts:password_reset"), {"email": "nobody@example.org"}, follow=True
    )

    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


def test_password_reset_is_rate_limited_per_address(client: Client) -> None:
    for _ in range(5):
        client.post(reverse("accounts:password_reset"), {"email": "a@example.org"})

    response = client.post(reverse("accounts:password_reset"), {"email": "a@example.org"})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_password_reset_mails_one_address_three_times_an_hour_whoever_asks(
    client: Client,
) -> None:
    UserFactory(email="target@example.org")
    codes = [
        client.post(
            reverse("accounts:password_reset"),
            {"email": "Target@example.org"},
            REMOTE_ADDR=f"10.0.0.{n}",
        ).status_code
        for n in range(4)
    ]
    assert codes == [302, 302, 302, 429]
    assert len(mail.outbox) == 3


def test_password_reset_link_with_a_bad_token_says_it_does_not_work(client: Client) -> None:
    response = client.get(
        reverse("accounts:password_reset_confirm", args=["MQ", "bad-token"]), follow=True
    )

    assert "This link does not work" in response.content.decode()


def test_change_password_needs_the_old_one(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_change_password_keeps_the_user_signed_in(client: Client) -> None:
    user = UserFactory()
    client.force_login(user)

    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )

    user.refresh_from_db()
    assert user.check_password("another long passphrase")
    assert client.get(reverse("accounts:settings")).status_code == 200


def test_header_offers_sign_up_and_log_in_to_guests(client: Client) -> None:
    html = client.get(reverse("works:index")).content.decode()

    assert f'href="{reverse("accounts:signup")}"' in html
    assert f'href="{reverse("accounts:login")}"' in html


def test_header_offers_preferences_and_a_logout_form_to_members(client: Client) -> None:
    client.force_login(UserFactory())

    html = client.get(reverse("works:index")).content.decode()

    assert f'href="{reverse("accounts:preferences")}"' in html
    assert f'<form method="post" action="{reverse("accounts:logout")}"' in html
