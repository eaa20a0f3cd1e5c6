"""The site banner: on every page, dismissible per member (a row) and per guest (a
cookie), shown again when a new banner goes up, gone at its expiry; and pages kept for
guests show a change to it at once (the real cache)."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from ficshelf.core.models import AuditEntry
from ficshelf.sitecontent import actions
from ficshelf.sitecontent.models import BannerDismissal, SiteBanner
from ficshelf.sitecontent.state import DISMISSED_BANNER_COOKIE
from tests.factories import UserFactory, WorkFactory
from tests.helpers import get_listing, page_text
from tests.sitecontent.helpers import publisher

pytestmark = pytest.mark.django_db


def put_up(text: str, *, show_again: bool = True, hours: int | None = None) -> SiteBanner:
    expires_at = timezone.now() + datetime.timedelta(hours=hours) if hours else None
    return actions.set_banner(
        actor=publisher(), text=text, expires_at=expires_at, show_again=show_again
    )


def banner_on(client: Client, url: str = "/works/") -> bool:
    return 'class="site-banner"' in page_text(get_listing(client, url))


def test_a_publisher_puts_up_a_banner_cleaned_and_audited(client: Client) -> None:
    client.force_login(publisher(username="comms"))

    response = client.post(
        reverse("sitecontent:banner"),
        {"text": "Maintenance <b>tonight</b><script>x()</script>", "show_again": "on"},
    )

    assert response.status_code == 302
    assert SiteBanner.objects.get().text == "Maintenance <b>tonight</b>"
    assert AuditEntry.objects.get(action="set banner").actor_name == "comms"
    html = page_text(Client().get(reverse("sitecontent:page", args=["about"])))
    assert "Maintenance <b>tonight</b>" in html and "x()" not in html


def test_a_member_without_the_permission_cannot_set_it_and_nothing_is_written(
    client: Client,
) -> None:
    client.force_login(UserFactory())

    response = client.post(reverse("sitecontent:banner"), {"text": "Mine now"})

    assert response.status_code == 403
    assert not SiteBanner.objects.exists()


def test_an_expiry_in_the_past_is_refused_with_a_message(client: Client) -> None:
    client.force_login(publisher())

    response = client.post(
        reverse("sitecontent:banner"), {"text": "Late", "expires_at": "2001-01-01T10:00"}
    )

    assert "That time has passed" in page_text(response, 400)
    assert not SiteBanner.objects.exists()


def test_a_member_dismisses_it_and_a_new_banner_shows_again(client: Client) -> None:
    WorkFactory()
    member = UserFactory()
    client.force_login(member)
    first = put_up("First news")
    assert banner_on(client)

    client.post(reverse("sitecontent:banner_dismiss"), {"banner": first.pk, "next": "/works/"})
    assert BannerDismissal.objects.filter(user=member, banner=first).exists()
    assert not banner_on(client)

    put_up("First news, typo fixed", show_again=False)
    assert not banner_on(client)

    put_up("Second news")
    assert banner_on(client)


def test_a_guest_dismisses_it_with_a_cookie_on_kept_pages_too(
    client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    WorkFactory()
    first = put_up("Guests see this")
    assert banner_on(client)
    with django_assert_max_num_queries(4):
        assert banner_on(client)  # the kept page

    response = client.post(reverse("sitecontent:banner_dismiss"), {"banner": first.pk})
    assert response.cookies[DISMISSED_BANNER_COOKIE].value == str(first.pk)
    assert not banner_on(client)
    assert not BannerDismissal.objects.exists()

    put_up("A new one")
    assert banner_on(client)


def test_a_kept_guest_page_shows_a_new_banner_and_its_taking_down_at_once(
    client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    WorkFactory()
    assert not banner_on(client)
    with django_assert_max_num_queries(4):
        assert not banner_on(client)  # kept

    put_up("Now you see me")
    assert "Now you see me" in page_text(get_listing(client, "/works/"))

    actions.take_down_banner(actor=publisher())
    assert not banner_on(client)


def test_the_banner_goes_at_its_expiry_from_kept_pages_too(client: Client) -> None:
    WorkFactory()
    put_up("Until tonight", hours=2)
    assert banner_on(client)

    later = timezone.now() + datetime.timedelta(hours=3)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert not banner_on(client)


def test_dismissing_something_that_is_not_a_banner_changes_nothing(client: Client) -> None:
    client.force_login(UserFactory())

    response = client.post(reverse("sitecontent:banner_dismiss"), {"banner": "nope"})

    assert response.status_code == 302
    assert not BannerDismissal.objects.exists()


def test_dismiss_does_not_follow_an_outside_address(client: Client) -> None:
    response = client.post(
        reverse("sitecontent:banner_dismiss"), {"banner": "1", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"
