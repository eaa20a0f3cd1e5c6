"""What a signed-in listing request keeps between requests (the reader's choices, its tag,
the chosen filters) never lets a change wait: each shows on the very next request."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ficshelf.accounts.actions import mute_user, unmute_user
from ficshelf.accounts.models import Mute, Preference, User
from ficshelf.core import process_cache
from ficshelf.search.models import ExclusionSet
from ficshelf.tags import actions
from ficshelf.tags.models import Tag, TagType
from tests.factories import PseudFactory, UserFactory
from tests.search.listing_helpers import fandom, freeform, index_now, titles, work
from tests.tags.factories import canonical, wrangler

pytestmark = pytest.mark.django_db


def version_of(user: User) -> int:
    return User.objects.get(pk=user.pk).reader_version


def test_every_change_to_a_readers_choices_moves_their_version() -> None:
    reader, other = UserFactory(), UserFactory()
    angst = Tag.objects.create(name="Angst", type=TagType.FREEFORM)
    seen = [version_of(reader)]

    def changed() -> None:
        seen.append(version_of(reader))
        assert seen[-1] > seen[-2]

    preference = Preference.objects.create(user=reader)
    changed()
    preference.hide_freeform_tags = True
    preference.save()
    changed()
    mute = Mute.objects.create(muter=reader, muted=other)
    changed()
    mute.delete()
    changed()
    saved = ExclusionSet.objects.create(user=reader)
    changed()
    saved.tags.add(angst)
    changed()
    saved.creators.set([other])
    changed()
    saved.tags.clear()
    changed()
    saved.delete()
    changed()
    assert version_of(other) == 0


def test_a_mute_and_an_unmute_show_on_the_next_listing(client: Client) -> None:
    loud = PseudFactory(name="loud")
    work("From the loud one", fandom("Naruto"), creator=loud)
    work("Quiet", fandom("Naruto"))
    index_now()
    reader = UserFactory()
    client.force_login(reader)
    assert titles(client.get("/works/").content.decode()) == ["Quiet", "From the loud one"]
    mute_user(loud.user, actor=reader)
    assert titles(client.get("/works/").content.decode()) == ["Quiet"]
    unmute_user(loud.user, actor=reader)
    assert titles(client.get("/works/").content.decode()) == ["Quiet", "From the loud one"]


def test_saved_exclusions_apply_on_the_next_listing(client: Client) -> None:
    work("Angsty", fandom("Naruto"), freeform("Angst"))
    work("Fluffy", fandom("Naruto"))
    index_now()
    client.force_login(UserFactory())
    assert titles(client.get("/works/").content.decode()) == ["Fluffy", "Angsty"]
    client.post("/exclusions/", {"tags": "Angst", "creators": ""})
    assert titles(client.get("/works/").content.decode()) == ["Fluffy"]
    client.post("/exclusions/", {"tags": "", "creators": ""})
    assert titles(client.get("/works/").content.decode()) == ["Fluffy", "Angsty"]


def test_preferences_apply_on_the_next_page(client: Client) -> None:
    work("Tagged", fandom("Naruto"), freeform("Slow Burn"))
    index_now()
    reader = UserFactory()
    client.force_login(reader)
    assert "Show additional tags" not in client.get("/works/").content.decode()
    Preference.objects.create(user=reader, hide_freeform_tags=True)
    assert "Show additional tags" in client.get("/works/").content.decode()


def test_kept_exclusions_hold_nothing_of_the_excluded_creators_but_their_names(
    client: Client,
) -> None:
    reader, excluded = UserFactory(), UserFactory(username="noisy")
    ExclusionSet.objects.create(user=reader).creators.add(excluded)
    index_now()
    client.force_login(reader)
    client.get("/works/")
    kept = [
        value
        for key, (_, value) in process_cache._process_cache.items()
        if key.startswith(f"reader:exclusions:{reader.pk}:")
    ]
    assert len(kept) == 1
    (creator,) = kept[0].creators
    assert creator.username == "noisy"
    assert "password" in creator.get_deferred_fields()


def test_a_kept_signed_in_listing_asks_the_database_only_who_and_whether_changed(
    client: Client, django_assert_num_queries: Any
) -> None:
    work("Kept", fandom("Naruto"))
    Tag.objects.filter(name="Naruto").update(is_canonical=True)  # as nearly all listed tags
    index_now()
    client.force_login(UserFactory())
    client.get("/tags/Naruto/works/?exclude_warning=1")
    # The member (the session comes from the cache), the index queue's newest entry and the
    # site content's generation (the banner and the Terms version: sitecontent.state).
    with django_assert_num_queries(3):
        response = client.get("/tags/Naruto/works/?exclude_warning=1")
    assert titles(response.content.decode()) == ["Kept"]


def test_a_tag_merged_into_a_canonical_sends_its_listing_there_at_once(client: Client) -> None:
    work("Wet", freeform("rainy"))
    index_now()
    client.force_login(UserFactory())
    assert client.get("/tags/rainy/works/").status_code == 200
    actions.merge_into(Tag.objects.get(name="rainy"), canonical("Rain"), actor=wrangler("tidy"))
    response = client.get("/tags/rainy/works/")
    assert response.status_code == 302
    assert response["Location"] == "/tags/Rain/works/"
