"""Account forms refuse addresses longer than the 254-wide email columns."""

from __future__ import annotations

import pytest

from ficshelf.accounts.forms import ChangeEmailForm, InviteRequestForm, SignupForm
from tests.factories import UserFactory
from tests.helpers import email_of_length, guarded

pytestmark = pytest.mark.django_db

TOO_LONG = "Ensure this value has at most 254 characters (it has 300)."


def test_signup_with_a_300_character_email_is_a_form_error() -> None:
    password = "a long enough passphrase 91"
    form = SignupForm(
        data={
            "username": "newreader",
            "email": email_of_length(300),
            "password1": password,
            "password2": password,
            "is_at_least_13": "on",
            "accepts_terms": "on",
        }
    )
    assert form.errors["email"] == [TOO_LONG]


def test_signup_with_a_254_character_email_is_accepted() -> None:
    password = "a long enough passphrase 91"
    form = SignupForm(
        data=guarded(
            {
                "username": "newreader",
                "email": email_of_length(254),
                "password1": password,
                "password2": password,
                "is_at_least_13": "on",
                "accepts_terms": "on",
            }
        )
    )
    assert form.is_valid(), form.errors


def test_invitation_request_with_a_300_character_email_is_a_form_error() -> None:
    form = InviteRequestForm(data={"email": email_of_length(300)})
    assert form.errors["email"] == [TOO_LONG]


def test_changing_to_a_300_character_email_is_a_form_error() -> None:
    user = UserFactory()
    form = ChangeEmailForm(user, data={"email": email_of_length(300), "password": "x"})
    assert form.errors["email"] == [TOO_LONG]
