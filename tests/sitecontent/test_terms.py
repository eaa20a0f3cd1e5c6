"""Terms of Service versions: sign-up records the version accepted; a new version asks
members to accept it at their next page view; a typo fix does not."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ficshelf.accounts.models import User
from ficshelf.accounts.moderation import suspend
from ficshelf.sitecontent.models import TermsAcceptance
from ficshelf.sitecontent.state import site_content
from tests.factories import UserFactory
from tests.helpers import guarded, page_text
from tests.sitecontent.helpers import editor

pytestmark = pytest.mark.django_db

PAGE = {"HTTP_ACCEPT": "text/html,application/xhtml+xml"}
PASSWORD = "a long and unusual passphrase"


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "username": "newreader",
        "email": "newreader@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "is_at_least_13": "on",
        "accepts_terms": "on",
        "terms_version": "1",
    }
    data.update(overrides)
    return guarded(data)


def publish_terms(*, new_version: bool, text: str = "Be kind. Tag your works.") -> None:
    client = Client()
    client.force_login(editor())
    data = {
        "title": "Terms of Service",
        "text_format": "markdown",
        "source": text,
        "summary": "New rules" if new_version else "Typo",
    }
    if new_version:
        data["is_new_terms_version"] = "on"
    response = client.post(reverse("sitecontent:page_edit", args=["terms"]), data)
    assert response.status_code == 302


def test_signup_records_the_version_of_the_terms_accepted(client: Client) -> None:
    form = page_text(client.get(reverse("accounts:signup")))
    assert "I have read and accept the Terms of Service" in form
    assert f'href="{reverse("sitecontent:page", args=["terms"])}"' in form

    client.post(reverse("accounts:signup"), signup_data())

    user = User.objects.get(username="newreader")
    assert list(user.terms_acceptances.values_list("version", flat=True)) == [1]


def test_signup_after_the_terms_changed_under_the_form_is_refused_and_writes_nothing(
    client: Client,
) -> None:
    publish_terms(new_version=True)

    response = client.post(reverse("accounts:signup"), signup_data(terms_version="1"))

    text = page_text(response)
    assert "The Terms of Service changed while you were signing up" in text
    assert 'name="terms_version" value="2"' in text
    assert not User.objects.filter(username="newreader").exists()
    assert not TermsAcceptance.objects.filter(user__username="newreader").exists()


def test_a_new_version_sends_a_member_to_accept_it_at_their_next_page(client: Client) -> None:
    member = UserFactory()
    client.force_login(member)
    assert client.get(reverse("works:index"), **PAGE).status_code == 200

    publish_terms(new_version=True)
    response = client.get(reverse("works:index") + "?page=1", **PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sitecontent:accept_terms"))
    accept_page = page_text(client.get(response["Location"], **PAGE))
    assert "The Terms of Service have changed" in accept_page
    assert "Be kind. Tag your works." in accept_page


def test_a_typo_fix_asks_nobody_again(client: Client) -> None:
    member = UserFactory()
    client.force_login(member)

    publish_terms(new_version=False)

    assert site_content().terms_version == 1
    assert client.get(reverse("works:index"), **PAGE).status_code == 200


def test_accepting_records_the_version_and_returns_to_the_page_asked_for(
    client: Client,
) -> None:
    member = UserFactory()
    client.force_login(member)
    publish_terms(new_version=True)

    response = client.post(
        reverse("sitecontent:accept_terms"),
        {"version": "2", "accept": "yes", "next": "/works/?page=2"},
    )

    assert response.status_code == 302 and response["Location"] == "/works/?page=2"
    assert member.terms_acceptances.filter(version=2).exists()
    assert client.get(reverse("works:index"), **PAGE).status_code == 200


def test_accepting_without_the_box_or_an_old_version_records_nothing(client: Client) -> None:
    member = UserFactory()
    client.force_login(member)
    publish_terms(new_version=True)

    unticked = client.post(reverse("sitecontent:accept_terms"), {"version": "2"})
    stale = client.post(reverse("sitecontent:accept_terms"), {"version": "1", "accept": "yes"})

    assert "Tick the box" in page_text(unticked)
    assert "changed again" in page_text(stale)
    assert not member.terms_acceptances.filter(version=2).exists()


def test_an_outside_next_address_is_not_followed(client: Client) -> None:
    member = UserFactory(accepted_terms=False)
    client.force_login(member)

    response = client.post(
        reverse("sitecontent:accept_terms"),
        {"version": "1", "accept": "yes", "next": "https://elsewhere.example/"},
    )

    assert response["Location"] == "/"


def test_a_member_who_declines_can_still_sign_out_read_the_terms_and_delete(
    client: Client,
) -> None:
    client.force_login(UserFactory(accepted_terms=False))

    assert client.get(reverse("sitecontent:page", args=["terms"]), **PAGE).status_code == 200
    assert client.get(reverse("accounts:delete"), **PAGE).status_code == 200
    assert client.get(reverse("sitecontent:page", args=["faq"]), **PAGE).status_code == 302
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("works:index"), **PAGE).status_code == 200  # a guest now


def test_feeds_and_requests_from_programs_are_never_redirected(client: Client) -> None:
    client.force_login(UserFactory(accepted_terms=False))

    assert client.get(reverse("sitecontent:news_feed"), **PAGE).status_code == 200
    # A program asking for something other than a page.
    assert client.get(reverse("works:index"), HTTP_ACCEPT="application/json").status_code == 200


def test_account_older_than_the_terms_is_asked_once(client: Client) -> None:
    member = UserFactory(accepted_terms=False)
    client.force_login(member)

    assert client.get(reverse("works:index"), **PAGE).status_code == 302
    client.post(reverse("sitecontent:accept_terms"), {"version": "1", "accept": "yes"})

    assert client.get(reverse("works:index"), **PAGE).status_code == 200


def test_a_suspended_member_accepts_new_terms_and_goes_on_reading(client: Client) -> None:
    member = UserFactory()
    admin = UserFactory(is_superuser=True, is_staff=True)
    suspend(
        member,
        until=timezone.now() + datetime.timedelta(days=3),
        reason="Spamming comments.",
        actor=admin,
    )
    publish_terms(new_version=True)
    client.force_login(member)
    assert client.get(reverse("works:index"), **PAGE).status_code == 302  # asked to accept

    response = client.post(
        reverse("sitecontent:accept_terms"), {"version": "2", "accept": "yes", "next": "/works/"}
    )

    assert response.status_code == 302 and member.terms_acceptances.filter(version=2).exists()
    assert client.get(reverse("works:index"), **PAGE).status_code == 200
    # Still suspended for everything else.
    assert (
        client.post(reverse("sitecontent:news_comment", args=[1]), {"text": "hi"}).status_code
        == 403
    )
