"""A member's public bookmarks (/users/<name>/bookmarks/) and bookmark search
(/bookmarks/search/): what each reader sees, the filters, the sidebar's counts."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.core.spam import SpamState
from ficshelf.social import actions
from ficshelf.social.models import Bookmark, BookmarkTag
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.models import Series, SeriesWork, Work
from tests.factories import PseudFactory, TagFactory, UserFactory, WorkFactory
from tests.helpers import page_text
from tests.social.factories import BookmarkFactory, mute

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def tagged_work(*names: str, **fields: object) -> Work:
    work = WorkFactory(**fields)
    for name in names:
        work.tags.add(TagFactory(name=name, type=TagType.FANDOM))
    return work


def mark(user: User, work: Work, **fields: object) -> Bookmark:
    return actions.save_bookmark(actor=user, work=work, **fields)  # type: ignore[arg-type]


def words(page: str) -> str:
    """The page's text without its markup ("Fluff (2)" in the sidebar)."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def user_page(client: Client, user: User, status: int = 200, **params: object) -> str:
    url = reverse("social:user_bookmarks", args=[user.username])
    return page_text(client.get(url, params), status)


def test_guests_see_a_members_public_bookmarks_with_notes_tags_and_rec() -> None:
    reader = UserFactory(username="recfan")
    mark(
        reader,
        WorkFactory(title="Loved Story"),
        notes="<p>Read it!</p>",
        tags="slow burn",
        is_rec=True,
    )
    page = user_page(Client(), reader)
    assert "Loved Story" in page
    assert "Read it!" in page
    assert "slow burn" in page
    assert "Rec" in page
    assert "1 Bookmark by" in words(page)


def test_private_bookmarks_show_only_to_their_owner() -> None:
    reader = UserFactory()
    mark(reader, WorkFactory(title="Secret Read"), is_private=True)
    assert "Secret Read" not in user_page(Client(), reader)
    assert "Secret Read" not in user_page(signed_in(UserFactory()), reader)
    own = user_page(signed_in(reader), reader)
    assert "Secret Read" in own and "Private" in own


def test_bookmarks_of_works_the_viewer_may_not_see_are_neither_shown_nor_counted() -> None:
    reader = UserFactory()
    mark(reader, tagged_work("Shown Fandom", title="Open Work"))
    hidden = tagged_work("Hidden Fandom", title="Gone Work")
    mark(reader, hidden)
    restricted = tagged_work("Members Fandom", title="Members Work", restricted=True)
    mark(reader, restricted)
    Work.objects.filter(pk=hidden.pk).update(is_hidden_by_admin=True)
    guest_page = user_page(Client(), reader)
    assert "Open Work" in guest_page
    assert "Gone Work" not in guest_page and "Hidden Fandom" not in guest_page
    assert "Members Work" not in guest_page and "Members Fandom" not in guest_page
    assert "1 Bookmark by" in words(guest_page)
    member_page = user_page(signed_in(UserFactory()), reader)
    assert "Members Work" in member_page and "Members Fandom" in member_page
    assert "Gone Work" not in member_page


def test_bookmarks_hidden_as_spam_are_only_their_authors() -> None:
    reader = UserFactory()
    bookmark = mark(reader, WorkFactory(title="Spammy Pick"))
    Bookmark.objects.filter(pk=bookmark.pk).update(spam_state=SpamState.SPAMMER)
    assert "Spammy Pick" not in user_page(Client(), reader)
    assert "Spammy Pick" in user_page(signed_in(reader), reader)


def test_a_reader_who_muted_the_bookmarker_is_told_and_shown_nothing() -> None:
    reader, viewer = UserFactory(username="loudreader"), UserFactory()
    mark(reader, WorkFactory(title="Muted Pick"))
    mute(viewer, reader)
    page = user_page(signed_in(viewer), reader)
    assert "Muted Pick" not in page
    assert "You muted loudreader" in page
    search = page_text(signed_in(viewer).get(reverse("social:bookmark_search"), {"title": "Muted"}))
    assert "Muted Pick" not in search


def test_filter_by_the_bookmarkers_tag_case_aside_with_counts_in_the_sidebar() -> None:
    reader = UserFactory()
    mark(reader, WorkFactory(title="Fluffy One"), tags="Fluff, comfort")
    mark(reader, WorkFactory(title="Fluffy Two"), tags="fluff")
    mark(reader, WorkFactory(title="Sad One"), tags="angst")
    page = user_page(Client(), reader)
    assert "Fluff (2)" in words(page) and "angst (1)" in words(page)
    filtered = user_page(Client(), reader, bookmark_tag="FLUFF")
    assert "Fluffy One" in filtered and "Fluffy Two" in filtered
    assert "Sad One" not in filtered


def test_filter_by_the_works_tag_through_its_synonyms_rec_and_notes() -> None:
    reader = UserFactory()
    canonical = TagFactory(name="Big Fandom", type=TagType.FANDOM, is_canonical=True)
    synonym = TagFactory(name="BF", type=TagType.FANDOM, merger=canonical)
    in_fandom = WorkFactory(title="In Fandom")
    in_fandom.tags.add(synonym)
    from ficshelf.tags.filtering import refresh_filter_taggings

    refresh_filter_taggings([in_fandom.pk])
    mark(reader, in_fandom, is_rec=True)
    mark(reader, WorkFactory(title="Elsewhere"), notes="<p>A note</p>")
    page = user_page(Client(), reader)
    assert "Big Fandom (1)" in words(page)
    assert "In Fandom" in user_page(Client(), reader, tag=canonical.pk)
    assert "Elsewhere" not in user_page(Client(), reader, tag=canonical.pk)
    assert "Elsewhere" not in user_page(Client(), reader, is_rec="on")
    with_notes = user_page(Client(), reader, with_notes="on")
    assert "Elsewhere" in with_notes and "In Fandom" not in with_notes


def test_ratings_count_in_the_sidebar() -> None:
    reader = UserFactory()
    mark(reader, WorkFactory(rating="Explicit"))
    mark(reader, WorkFactory(rating="Explicit"))
    mark(reader, WorkFactory())
    page = user_page(Client(), reader)
    assert "Explicit (2)" in words(page) and "General Audiences (1)" in words(page)
    explicit = Tag.objects.get(name="Explicit")
    assert "1 – 2 of 2 Bookmarks" in words(user_page(Client(), reader, tag=explicit.pk))


def test_sort_by_date_updated_follows_the_works_dates() -> None:
    reader = UserFactory()
    mark(reader, WorkFactory(title="Updated Lately", updated_on=datetime.date(2026, 1, 1)))
    mark(reader, WorkFactory(title="Updated Long Ago", updated_on=datetime.date(2001, 1, 1)))
    by_bookmarked = user_page(Client(), reader)
    assert by_bookmarked.index("Updated Long Ago") < by_bookmarked.index("Updated Lately")
    by_updated = user_page(Client(), reader, sort="updated")
    assert by_updated.index("Updated Lately") < by_updated.index("Updated Long Ago")


def test_series_bookmarks_are_found_by_their_visible_works_tags() -> None:
    reader = UserFactory()
    series = Series.objects.create(title="The Saga")
    part = tagged_work("Saga Fandom")
    SeriesWork.objects.create(series=series, work=part)
    actions.save_bookmark(actor=reader, series=series)
    fandom = Tag.objects.get(name="Saga Fandom")
    page = user_page(Client(), reader)
    assert "Saga Fandom (1)" in words(page)
    assert "The Saga" in user_page(Client(), reader, tag=fandom.pk)


def test_pages_hold_twenty_and_keep_the_filters() -> None:
    reader = UserFactory()
    for n in range(21):
        mark(reader, WorkFactory(title=f"Paged {n}"), tags="paged")
    page = user_page(Client(), reader, bookmark_tag="paged")
    assert "1 – 20 of 21" in words(page)
    assert (
        "bookmark_tag=paged&amp;page=2"
        in Client()
        .get(reverse("social:user_bookmarks", args=[reader.username]), {"bookmark_tag": "paged"})
        .content.decode()
    )
    assert "Paged 0" in user_page(Client(), reader, bookmark_tag="paged", page=2)


def test_an_unknown_member_is_a_404_and_a_bad_filter_a_clear_400() -> None:
    assert Client().get(reverse("social:user_bookmarks", args=["nobody-here"])).status_code == 404
    reader = UserFactory()
    mark(reader, WorkFactory(title="Still Listed"))
    page = user_page(Client(), reader, 400, tag="drop table", sort="sideways")
    assert "That tag filter is not one of the listed tags." in page
    assert "Still Listed" in page


def test_notes_and_tags_are_shown_escaped_and_cleaned() -> None:
    reader = UserFactory()
    mark(
        reader,
        WorkFactory(),
        notes='<p onclick="alert(1)">hi</p><script>alert(2)</script>',
        tags='<img src=x onerror="alert(3)">',
    )
    response = Client().get(reverse("social:user_bookmarks", args=[reader.username]))
    html = response.content.decode()
    assert "<script>alert(2)" not in html and "onclick" not in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=" in html


def test_saving_a_bookmark_keeps_its_tag_rows_in_step() -> None:
    reader, work = UserFactory(), WorkFactory()
    mark(reader, work, tags="One, two, ONE")
    assert sorted(BookmarkTag.objects.values_list("key", flat=True)) == ["one", "two"]
    mark(reader, work, tags="three")
    assert list(BookmarkTag.objects.values_list("name", flat=True)) == ["three"]


# --- Bookmark search -----------------------------------------------------------------------


def search(client: Client, status: int = 200, **params: object) -> str:
    return page_text(client.get(reverse("social:bookmark_search"), params), status)


def test_the_empty_search_page_shows_the_form_only() -> None:
    mark(UserFactory(), WorkFactory(title="Not Yet Asked"))
    page = search(Client())
    assert "Search Bookmarks" in page and "Not Yet Asked" not in page


def test_search_by_bookmarker_notes_and_their_tags() -> None:
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    mark(alice, WorkFactory(title="Alice Pick"), notes="<p>wonderful pining</p>", tags="pining")
    mark(bob, WorkFactory(title="Bob Pick"), notes="<p>so funny</p>", tags="crack")
    assert "Bob Pick" not in search(Client(), bookmarker="ALICE")
    assert "Alice Pick" in search(Client(), bookmarker="alice")
    notes = search(Client(), notes="pining wonderful")
    assert "Alice Pick" in notes and "Bob Pick" not in notes
    tags = search(Client(), bookmarker_tags="Crack")
    assert "Bob Pick" in tags and "Alice Pick" not in tags


def test_search_by_the_works_title_creator_and_typed_tags() -> None:
    reader = UserFactory()
    writer = PseudFactory(name="penwright")
    mark(reader, tagged_work("Moomins", title="Valley Tale", creator=writer))
    mark(reader, tagged_work("Discworld", title="City Tale"))
    assert "City Tale" not in search(Client(), title="valley")
    assert "Valley Tale" in search(Client(), title="valley")
    assert "Valley Tale" in search(Client(), creator="Penwright")
    assert "City Tale" not in search(Client(), creator="penwright")
    typed = search(Client(), work_tags="discworld")
    assert "City Tale" in typed and "Valley Tale" not in typed


def test_search_never_finds_an_anonymous_works_creator() -> None:
    writer = PseudFactory(name="secretwriter")
    work = WorkFactory(title="Anon Work", creator=writer)
    Work.objects.filter(pk=work.pk).update(in_anonymous_collection=True)
    mark(UserFactory(), work)
    assert "Anon Work" not in search(Client(), creator="secretwriter")
    assert "Anon Work" in search(Client(), title="Anon")


def test_an_unknown_typed_tag_is_a_message_not_a_traceback() -> None:
    page = search(Client(), 400, work_tags="No Such Tag Anywhere")
    assert "No tag is called “No Such Tag Anywhere”." in page


def test_search_leaves_out_private_bookmarks_of_others() -> None:
    owner = UserFactory()
    mark(owner, WorkFactory(title="Hush Pick"), is_private=True)
    assert "Hush Pick" not in search(Client(), title="Hush")
    assert "Hush Pick" in search(signed_in(owner), title="Hush")


def test_the_migration_gives_existing_bookmarks_their_tag_rows() -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("ficshelf.social.migrations.0010_external_works")
    bookmark = BookmarkFactory(tags="Angst, angst ,  Slow  Burn")
    BookmarkFactory(tags="")
    migration.tag_rows_for_existing_bookmarks(apps, None)
    rows = BookmarkTag.objects.filter(bookmark=bookmark).order_by("key")
    assert [(row.name, row.key) for row in rows] == [("Angst", "angst"), ("Slow Burn", "slow burn")]
    assert BookmarkTag.objects.count() == 2


def test_tags_only_on_works_the_reader_may_not_see_stay_unknown() -> None:
    reader = UserFactory()
    mark(reader, WorkFactory(title="Public Pick"))
    secret = TagFactory(name="Secret Draft Tag", type=TagType.FREEFORM)
    WorkFactory(draft=True).tags.add(secret)
    typed = search(Client(), 400, work_tags="Secret Draft Tag")
    assert "No tag is called “Secret Draft Tag”." in typed
    checked = user_page(Client(), reader, tag=secret.pk)
    assert "Secret Draft Tag" not in checked
