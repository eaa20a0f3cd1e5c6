"""Drafts are deleted a month after they were begun (as on AO3), unless a creator chose to
keep their drafts in their preferences."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ficshelf.accounts.models import Preference
from ficshelf.works import actions
from ficshelf.works.models import Work
from tests.helpers import page_text
from tests.works.factories_posting import posted_work, writer

pytestmark = pytest.mark.django_db


def aged(work: Work, days: int = 45) -> None:
    Work.objects.filter(pk=work.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_a_member_who_keeps_drafts_keeps_old_ones_others_lose_theirs() -> None:
    keeper, other = writer("keeper"), writer("other")
    Preference.objects.create(user=keeper, keep_drafts=True)
    kept, lost = posted_work(keeper, post=False), posted_work(other, post=False)
    aged(kept)
    aged(lost)
    assert actions.purge_old_drafts() == 0  # the other's creator is told first
    assert actions.purge_old_drafts(now=timezone.now() + datetime.timedelta(days=7)) == 1
    assert list(Work.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_co_creator_keeping_drafts_keeps_the_shared_draft() -> None:
    owner, keeper = writer("owner"), writer("keeper")
    Preference.objects.create(user=keeper, keep_drafts=True)
    work = posted_work(owner, post=False)
    work.creatorships.create(pseud=keeper.pseuds.get(), position=1, is_approved=True)
    aged(work)
    assert actions.purge_old_drafts() == 0
    assert actions.purge_old_drafts(now=timezone.now() + datetime.timedelta(days=8)) == 0


def test_the_choice_is_on_the_preferences_page_and_the_dashboard_says_so(
    client: Client,
) -> None:
    user = writer()
    client.force_login(user)
    work = posted_work(user, post=False, title="Slow Burn")
    page = client.get(reverse("accounts:preferences")).content.decode()
    assert 'name="keep_drafts"' in page
    assert "Deleted on" in page_text(client.get(reverse("works:dashboard")))
    Preference.objects.create(user=user, keep_drafts=True)
    user.refresh_from_db()
    client.force_login(user)
    dashboard = page_text(client.get(reverse("works:dashboard")))
    assert "Kept until you delete it" in dashboard
    assert "Unposted drafts are deleted" not in page_text(client.get(work.get_absolute_url()))
