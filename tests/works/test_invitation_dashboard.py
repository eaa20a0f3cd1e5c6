"""The dashboard's co-creator invitations name the work's creators as a reader would see
them: "Anonymous" while the work is in an anonymous collection (or unrevealed), so an
invitation never unmasks a creator the work keeps hidden."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.works.collection_items import add_work, create_collection, reveal
from ficshelf.works.collection_models import Collection
from ficshelf.works.models import Work
from tests.works.factories_posting import posted_work, writer

pytestmark = pytest.mark.django_db


def invitation_on_dashboard(user: User) -> str:
    """The text of the one work invitation on ``user``'s dashboard."""
    client = Client()
    client.force_login(user)
    page = client.get(reverse("works:dashboard")).content.decode()
    section = page.split('id="invitations-heading"', 1)[1].split("</section>", 1)[0]
    (item,) = re.findall(r'<li class="dashboard-item invitation">(.*?)</form>', section, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", item).split())


def invited_in(collection: Collection | None, owner: User, friend: User) -> Work:
    work = posted_work(owner, title="Masked Ball", co_creators=[friend.pseuds.get()])
    if collection is not None:
        add_work(collection, work, actor=owner)
    return work


def test_an_invitation_names_the_creators_of_a_work_readers_see_them_on() -> None:
    owner, friend = writer("hidden_owner"), writer("friend")
    invited_in(None, owner, friend)
    assert invitation_on_dashboard(friend).startswith(
        "hidden_owner invited your pseud friend to co-create Masked Ball"
    )


def test_an_invitation_to_a_work_in_an_anonymous_collection_names_no_creator() -> None:
    owner, friend, host = writer("hidden_owner"), writer("friend"), writer("host")
    fest = create_collection(
        Collection(name="masked", title="Masked Fest", is_anonymous=True), owner=host
    )
    invited_in(fest, owner, friend)
    text = invitation_on_dashboard(friend)
    assert text.startswith("Anonymous invited your pseud friend to co-create Masked Ball")
    assert "hidden_owner" not in text


def test_an_invitation_to_an_unrevealed_work_names_no_creator_until_the_reveal() -> None:
    owner, friend, host = writer("hidden_owner"), writer("friend"), writer("host")
    fest = create_collection(
        Collection(name="mystery", title="Mystery Fest", is_unrevealed=True), owner=host
    )
    invited_in(fest, owner, friend)
    assert invitation_on_dashboard(friend).startswith("Anonymous invited your pseud friend")
    reveal(fest, actor=host)
    assert invitation_on_dashboard(friend).startswith("hidden_owner invited your pseud friend")


def test_more_invitations_and_creators_ask_no_more_queries() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    owner, friend = writer("owner"), writer("friend")
    posted_work(owner, title="Alone", co_creators=[friend.pseuds.get()])
    client = Client()
    client.force_login(friend)
    client.get(reverse("works:dashboard"))  # what a process looks up once, looked up
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("works:dashboard"))
    others = [writer(f"co{n}") for n in range(3)]
    for n in range(3):
        posted_work(
            owner,
            title=f"Crowd {n}",
            co_creators=[friend.pseuds.get(), *(o.pseuds.get() for o in others)],
        )
    with CaptureQueriesContext(connection) as four:
        client.get(reverse("works:dashboard"))
    assert len(four.captured_queries) == len(one.captured_queries)
