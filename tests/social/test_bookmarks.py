"""Bookmarks of works and series: notes, tags, private or public, rec; counts and pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.social.models import Bookmark
from ficshelf.works.models import Series, SeriesWork
from tests.factories import PseudFactory, UserFactory, WorkFactory
from tests.helpers import page_text
from tests.social.factories import BookmarkFactory, mute

pytestmark = pytest.mark.django_db


def signed_in(user: User | None = None) -> Client:
    client = Client()
    client.force_login(user or UserFactory())
    return client


def test_reader_bookmarks_a_work_with_notes_tags_and_rec() -> None:
    work, reader = WorkFactory(), UserFactory()
    signed_in(reader).post(
        reverse("social:bookmark_work", args=[work.pk]),
        {
            "notes": "<p>So good</p><script>x</script>",
            "tags": "angst, fluff, angst",
            "is_rec": "on",
        },
    )
    bookmark = Bookmark.objects.get(user=reader, work=work)
    assert bookmark.notes == "<p>So good</p>"
    assert bookmark.tag_list == ["angst", "fluff"]
    assert bookmark.is_rec
    assert not bookmark.is_private


def test_bookmarking_again_updates_the_same_bookmark() -> None:
    work, reader = WorkFactory(), UserFactory()
    client = signed_in(reader)
    url = reverse("social:bookmark_work", args=[work.pk])
    client.post(url, {"notes": "first"})
    client.post(url, {"notes": "second", "is_private": "on"})
    bookmark = Bookmark.objects.get()
    assert bookmark.notes == "second"
    assert bookmark.is_private


def test_private_bookmark_is_never_a_rec() -> None:
    work, reader = WorkFactory(), UserFactory()
    signed_in(reader).post(
        reverse("social:bookmark_work", args=[work.pk]), {"is_private": "on", "is_rec": "on"}
    )
    assert not Bookmark.objects.get().is_rec


def test_guest_is_sent_to_log_in_to_bookmark() -> None:
    work = WorkFactory()
    response = Client().post(reverse("social:bookmark_work", args=[work.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_bookmarking_a_work_the_reader_cannot_see_is_404() -> None:
    work = WorkFactory(draft=True)
    response = signed_in().post(reverse("social:bookmark_work", args=[work.pk]))
    assert response.status_code == 404


def test_reader_bookmarks_a_series() -> None:
    series = Series.objects.create(title="The Saga")
    SeriesWork.objects.create(series=series, work=WorkFactory())
    reader = UserFactory()
    signed_in(reader).post(reverse("social:bookmark_series", args=[series.pk]), {"notes": "all"})
    assert Bookmark.objects.get(user=reader).series == series


def test_series_with_only_hidden_works_cannot_be_bookmarked() -> None:
    series = Series.objects.create(title="Secret")
    SeriesWork.objects.create(series=series, work=WorkFactory(draft=True))
    response = signed_in().post(reverse("social:bookmark_series", args=[series.pk]))
    assert response.status_code == 404


def test_my_bookmarks_lists_private_bookmarks_to_their_owner() -> None:
    reader = UserFactory()
    BookmarkFactory(user=reader, work=WorkFactory(title="Kept Quiet"), private=True)
    html = page_text(signed_in(reader).get(reverse("social:my_bookmarks")))
    assert "Kept Quiet" in html
    assert "Private" in html


def test_my_bookmarks_leaves_out_works_no_longer_visible() -> None:
    reader = UserFactory()
    BookmarkFactory(user=reader, work=WorkFactory(title="Still Here"))
    BookmarkFactory(user=reader, work=WorkFactory(title="Now Hidden", hidden=True))
    html = page_text(signed_in(reader).get(reverse("social:my_bookmarks")))
    assert "Still Here" in html
    assert "Now Hidden" not in html


def bookmark_series_of(reader: User, *titles: str, hidden: str = "") -> Series:
    series = Series.objects.create(title=f"Saga of {titles[0]}")
    for position, title in enumerate(titles, start=1):
        work = WorkFactory(title=title, hidden=title == hidden)
        SeriesWork.objects.create(series=series, work=work, position=position)
    BookmarkFactory(user=reader, work=None, series=series)
    return series


def test_my_bookmarks_shows_a_series_with_its_visible_works_in_order() -> None:
    reader = UserFactory()
    bookmark_series_of(reader, "Part One", "Part Secret", "Part Three", hidden="Part Secret")
    html = page_text(signed_in(reader).get(reverse("social:my_bookmarks")))
    assert "Series: Saga of Part One" in html
    assert html.index("Part One") < html.index("Part Three")
    assert "Part Secret" not in html


def test_my_bookmarks_queries_do_not_grow_with_series_bookmarks(
    django_assert_max_num_queries: Any,
) -> None:
    reader = UserFactory()
    client = signed_in(reader)
    bookmark_series_of(reader, "First A", "First B")
    with django_assert_max_num_queries(100) as few:
        page_text(client.get(reverse("social:my_bookmarks")))
    for n in range(5):
        bookmark_series_of(reader, f"More {n} A", f"More {n} B")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = page_text(client.get(reverse("social:my_bookmarks")))
    assert "More 4 B" in html


def test_work_page_counts_public_bookmarks_only() -> None:
    work = WorkFactory()
    BookmarkFactory.create_batch(2, work=work)
    BookmarkFactory(work=work, private=True)
    html = page_text(Client().get(work.get_absolute_url()))
    assert '<dd class="bookmarks-count"><a href="/works/' in html
    assert 'bookmarks/">2</a>' in html


def test_work_bookmarks_page_hides_private_and_muted_bookmarks() -> None:
    work = WorkFactory()
    viewer, troll = UserFactory(), UserFactory(username="troll")
    BookmarkFactory(work=work, user=UserFactory(username="shown"), notes="<p>public</p>")
    BookmarkFactory(work=work, user=UserFactory(username="secret"), private=True)
    BookmarkFactory(work=work, user=troll)
    mute(viewer, troll)
    html = page_text(signed_in(viewer).get(reverse("social:work_bookmarks", args=[work.pk])))
    assert "shown" in html
    assert "secret" not in html
    assert "troll" not in html


def test_owner_deletes_a_bookmark() -> None:
    reader = UserFactory()
    bookmark = BookmarkFactory(user=reader)
    signed_in(reader).post(reverse("social:delete_bookmark", args=[bookmark.pk]))
    assert not Bookmark.objects.exists()


def test_someone_else_cannot_delete_a_bookmark() -> None:
    bookmark = BookmarkFactory()
    response = signed_in().post(reverse("social:delete_bookmark", args=[bookmark.pk]))
    assert response.status_code == 404
    assert Bookmark.objects.exists()


def test_bookmark_notes_keep_no_images() -> None:
    work, reader = WorkFactory(), UserFactory()
    signed_in(reader).post(
        reverse("social:bookmark_work", args=[work.pk]),
        {"notes": '<p>Rec!<img src="https://tracker.example/p.gif"></p>'},
    )
    assert Bookmark.objects.get(user=reader, work=work).notes == "<p>Rec!</p>"
    html = page_text(Client().get(reverse("social:work_bookmarks", args=[work.pk])))
    assert "Rec!" in html
    assert "tracker.example" not in html


def test_bookmark_notes_saved_with_an_image_before_the_rule_show_without_it() -> None:
    work = WorkFactory()
    BookmarkFactory(
        work=work,
        notes='<p>Old rec<img src="https://tracker.example/p.gif"></p>',
        sanitizer_version=1,
    )
    html = page_text(Client().get(reverse("social:work_bookmarks", args=[work.pk])))
    assert "Old rec" in html
    assert "tracker.example" not in html


def test_own_bookmark_of_a_muted_creators_work_stays_and_says_the_creator_is_muted() -> None:
    reader = UserFactory()
    creator = PseudFactory(name="loudwriter", user__username="loudwriter")
    work = WorkFactory(title="Salt Ledger", creator=creator, summary="<p>Ships at dusk.</p>")
    BookmarkFactory(user=reader, work=work, notes="<p>My own note.</p>")
    mute(reader, creator.user)
    client = Client()
    client.force_login(reader)

    page = client.get("/bookmarks/").content.decode()

    assert "1 Bookmark" in page
    assert "Salt Ledger" in page and "My own note." in page
    assert "you muted <a" in page and ">loudwriter</a>" in page
    assert 'action="/users/loudwriter/unmute/"' in page
    assert "Ships at dusk." not in page


@pytest.mark.parametrize("is_staff", [False, True], ids=["member", "admin"])
def test_my_bookmarks_pages_show_what_the_visibility_rule_lets_them_keep(is_staff: bool) -> None:
    """The page reads prepared SQL (``social.access.own_bookmark_pages``): each page and the
    count are what ``own_bookmarks`` gives, for members and admins, whose rule differs."""
    from django.core.paginator import Paginator

    from ficshelf.social.access import own_bookmarks

    reader = UserFactory(is_staff=is_staff)
    muted_writer = PseudFactory()
    mute(reader, muted_writer.user)
    for n in range(23):
        BookmarkFactory(user=reader, work=WorkFactory(title=f"Shown {n:02}"))
    BookmarkFactory(user=reader, work=WorkFactory(title="Hidden By An Admin", hidden=True))
    BookmarkFactory(user=reader, work=WorkFactory(title="Of A Muted Writer", creator=muted_writer))
    bookmark_series_of(reader, "Series Part")
    BookmarkFactory(user=UserFactory(), work=WorkFactory(title="Someone Else's"))
    client = signed_in(reader)
    expected = Paginator(own_bookmarks(reader), 20)
    assert expected.count == (26 if is_staff else 25)  # an admin still sees the hidden work
    for asked, shown in (("1", 1), ("2", 2), ("7", 2), ("x", 1)):
        html = page_text(client.get(reverse("social:my_bookmarks"), {"page": asked}))
        assert f"{expected.count} Bookmarks" in html
        titles = [
            b.work.title if b.work else b.series.title for b in expected.page(shown).object_list
        ]
        for title in titles:
            assert title in html
        assert "Someone Else" not in html
        positions = [html.index(title) for title in titles]
        assert positions == sorted(positions)  # newest first, as the queryset orders them
    both_pages = "".join(
        page_text(client.get(reverse("social:my_bookmarks"), {"page": n})) for n in (1, 2)
    )
    assert ("Hidden By An Admin" in both_pages) is is_staff
    assert "Of A Muted Writer" in both_pages and "Shown 00" in both_pages
