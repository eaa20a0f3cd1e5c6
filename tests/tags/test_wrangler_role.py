"""The wrangler role: a permission staff grant in the admin or with make_wrangler."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from ficshelf.accounts.models import User
from ficshelf.tags.models import FilterTagging, Tag, can_wrangle
from tests.factories import UserFactory
from tests.tags.factories import canonical, tag, work_tagged

pytestmark = pytest.mark.django_db


def reloaded(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_make_wrangler_grants_the_role() -> None:
    user = UserFactory(username="tidy")
    call_command("make_wrangler", "tidy")
    assert can_wrangle(reloaded(user))


def test_make_wrangler_remove_takes_it_away() -> None:
    user = UserFactory(username="tidy")
    call_command("make_wrangler", "tidy")
    call_command("make_wrangler", "tidy", "--remove")
    assert not can_wrangle(reloaded(user))


def test_make_wrangler_refuses_an_unknown_user() -> None:
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        call_command("make_wrangler", "nobody")


def test_readers_and_inactive_wranglers_cannot_wrangle() -> None:
    assert not can_wrangle(UserFactory())
    inactive = UserFactory(username="gone", is_active=False, is_superuser=True)
    assert not can_wrangle(inactive)


def test_admin_offers_the_wrangling_permission(client: Client) -> None:
    staff = UserFactory(username="staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    user = UserFactory(username="tidy")
    html = client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert "Can wrangle tags" in html


def test_admin_changes_keep_filters_current(client: Client) -> None:
    client.force_login(UserFactory(username="staff", is_staff=True, is_superuser=True))
    rain, rainy = canonical("Rain"), tag("rainy")
    work = work_tagged(rainy)
    client.post(
        f"/admin/tags/tag/{rainy.pk}/change/",
        {"name": "rainy", "type": "freeform", "merger": rain.pk},
    )
    assert Tag.objects.get(pk=rainy.pk).merger == rain
    assert FilterTagging.objects.filter(work=work, tag=rain).exists()
    client.post(f"/admin/tags/tag/{rain.pk}/delete/", {"post": "yes"})
    assert FilterTagging.objects.filter(work=work, tag=rainy).exists()
