"""A bookmark listing's total and sidebar from one walk of its matches
(``social.bookmark_counting``): exact while few, "more than" and the newest matches beyond,
and never a bookmark the viewer may not see, whichever way it is counted.

The limits are lowered here so a handful of bookmarks is a broad listing."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.core.spam import SpamState
from ficshelf.social import actions, bookmark_counting, bookmark_listing
from ficshelf.social.bookmark_counting import count_matches
from ficshelf.social.bookmark_listing import BookmarkQuery, facet_groups, find_bookmarks
from ficshelf.social.external_works import ExternalWorkDetails, bookmark_external_work
from ficshelf.social.models import Bookmark
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.models import Series, SeriesWork, Work
from tests.factories import TagFactory, UserFactory, WorkFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Totals counted up to 3, the sidebar over the newest 2."""
    monkeypatch.setattr(bookmark_counting, "COUNTED_UP_TO", 3)
    monkeypatch.setattr(bookmark_counting, "SIDEBAR_COUNTS_UP_TO", 2)


def words(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def search(client: Client, status: int = 200, **params: object) -> str:
    return words(page_text(client.get(reverse("social:bookmark_search"), params), status))


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def fandom_work(fandom: Tag, title: str, **fields: object) -> Work:
    work = WorkFactory(title=title, **fields)
    work.tags.add(fandom)
    return work


def mark(work: Work, **fields: object) -> Bookmark:
    return actions.save_bookmark(actor=UserFactory(), work=work, **fields)  # type: ignore[arg-type]


def hidden_bookmarks_newest(fandom: Tag) -> None:
    """Bookmarks in the fandom no guest may see, each newer than every visible one, so a
    walk that counted them would meet them first."""
    secret = TagFactory(name="Secret Freeform", type=TagType.FREEFORM)
    # Bookmarked while posted, then back to a draft.
    draft = fandom_work(fandom, "Draft Work")
    draft.tags.add(secret)
    mark(draft)
    Work.objects.filter(pk=draft.pk).update(is_posted=False)
    hidden = fandom_work(fandom, "Hidden Work")
    hidden.tags.add(secret)
    mark(hidden)
    Work.objects.filter(pk=hidden.pk).update(is_hidden_by_admin=True)
    mark(fandom_work(fandom, "Members Work", restricted=True))
    mark(fandom_work(fandom, "Privately Kept"), is_private=True)
    spam = mark(fandom_work(fandom, "Spam Pick"))
    Bookmark.objects.filter(pk=spam.pk).update(spam_state=SpamState.SPAMMER)
    closed = mark(fandom_work(fandom, "Closed Pick"))
    User.objects.filter(pk=closed.user_id).update(is_active=False)


def test_few_matches_are_counted_exactly_with_every_one_in_the_sidebar() -> None:
    fandom = TagFactory(name="Small Fandom", type=TagType.FANDOM)
    for n in range(3):
        mark(fandom_work(fandom, f"Open {n}"))
    hidden_bookmarks_newest(fandom)
    page = search(Client(), tag=fandom.pk)
    assert "1 – 3 of 3 Bookmarks found" in page
    assert "Small Fandom (3)" in page
    assert "more than" not in page and "Counted over the newest" not in page
    assert "Secret Freeform" not in page


def test_a_broad_listing_says_more_than_and_counts_its_newest_visible_matches(
    small_limits: None,
) -> None:
    fandom = TagFactory(name="Broad Fandom", type=TagType.FANDOM)
    for n in range(5):
        mark(fandom_work(fandom, f"Open {n}"))
    hidden_bookmarks_newest(fandom)
    page = search(Client(), tag=fandom.pk)
    assert "1 – 3 of more than 3 Bookmarks found" in page
    # The sidebar counts two visible bookmarks, never the hidden ones walked past.
    assert "Broad Fandom (2)" in page
    assert "Counted over the newest 2 bookmarks found." in page
    for title in ("Draft Work", "Hidden Work", "Members Work", "Privately Kept", "Spam Pick"):
        assert title not in page
    assert "Closed Pick" not in page and "Secret Freeform" not in page


def test_exactly_the_limit_is_an_exact_total(small_limits: None) -> None:
    fandom = TagFactory(name="Edge Fandom", type=TagType.FANDOM)
    for n in range(3):
        mark(fandom_work(fandom, f"Open {n}"))
    hidden_bookmarks_newest(fandom)
    page = search(Client(), tag=fandom.pk)
    assert "1 – 3 of 3 Bookmarks found" in page
    assert "Edge Fandom (2)" in page
    assert "Counted over the newest 2 bookmarks found." in page


def test_a_member_counts_restricted_works_a_guest_does_not(small_limits: None) -> None:
    fandom = TagFactory(name="Members Fandom", type=TagType.FANDOM)
    for n in range(2):
        mark(fandom_work(fandom, f"Members Only {n}", restricted=True))
    mark(fandom_work(fandom, "Open To All"))
    guest = search(Client(), tag=fandom.pk)
    assert "1 – 1 of 1 Bookmark found" in guest and "Members Fandom (1)" in guest
    member = search(signed_in(UserFactory()), tag=fandom.pk)
    assert "1 – 3 of 3 Bookmarks found" in member and "Members Fandom (2)" in member


def test_the_walk_is_newest_first_and_keeps_each_bookmarks_target(small_limits: None) -> None:
    fandom = TagFactory(name="Walked Fandom", type=TagType.FANDOM)
    works = [fandom_work(fandom, f"Walked {n}") for n in range(4)]
    bookmarks = [mark(work) for work in works]
    counted = count_matches(find_bookmarks(None, BookmarkQuery(work_tag_ids=(fandom.pk,))))
    assert (counted.total, counted.has_more, counted.sidebar_is_partial) == (3, True, True)
    assert counted.sidebar_ids == [bookmarks[3].pk, bookmarks[2].pk]
    assert [row.work_id for row in counted.sidebar_rows] == [works[3].pk, works[2].pk]


def test_series_and_external_works_count_in_a_sidebar_of_their_own_kind() -> None:
    fandom = TagFactory(name="Mixed Fandom", type=TagType.FANDOM)
    series = Series.objects.create(title="Mixed Series")
    SeriesWork.objects.create(series=series, work=fandom_work(fandom, "In Series"), position=1)
    actions.save_bookmark(actor=UserFactory(), series=series)
    bookmark_external_work(
        actor=UserFactory(),
        details=ExternalWorkDetails(
            url="https://example.org/mixed",
            title="Elsewhere",
            creator="someone",
            summary="",
            fandoms=["Mixed Fandom"],
        ),
    )
    query = BookmarkQuery(work_tag_ids=(fandom.pk,))
    counted = count_matches(find_bookmarks(None, query))
    assert counted.total == 2
    fandoms = {group.label: group for group in facet_groups(None, counted, query)}["Fandoms"]
    assert [(choice.label, choice.count) for choice in fandoms.choices] == [("Mixed Fandom", 2)]


def test_pages_run_to_the_counted_total(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bookmark_counting, "COUNTED_UP_TO", 25)
    fandom = TagFactory(name="Paged Fandom", type=TagType.FANDOM)
    for n in range(27):
        mark(fandom_work(fandom, f"Paged {n}"))
    first = search(Client(), tag=fandom.pk)
    assert "1 – 20 of more than 25 Bookmarks found" in first and "Page 1 of 2" in first
    second = search(Client(), tag=fandom.pk, page=2)
    assert "21 – 25 of more than 25 Bookmarks found" in second


@pytest.mark.parametrize("common_from", [1, 1000], ids=["common tag", "rare tag"])
def test_a_bookmarkers_tag_finds_the_same_bookmarks_however_common(
    monkeypatch: pytest.MonkeyPatch, common_from: int
) -> None:
    # A common tag is tested on each walked bookmark, a rare one looked up from its rows.
    monkeypatch.setattr(bookmark_listing, "COMMON_BOOKMARK_TAG_ROWS", common_from)
    fandom = TagFactory(name="Tagged Fandom", type=TagType.FANDOM)
    for n in range(2):
        mark(fandom_work(fandom, f"Tagged {n}"), tags="Slow Burn, fluff")
    mark(fandom_work(fandom, "Untagged"), tags="angst")
    hidden = mark(fandom_work(fandom, "Hidden Tagged"), tags="slow burn")
    Work.objects.filter(pk=hidden.work_id).update(is_hidden_by_admin=True)
    page = search(Client(), bookmark_tag="slow burn")
    assert "1 – 2 of 2 Bookmarks found" in page
    assert "Tagged 0" in page and "Tagged 1" in page
    assert "Untagged" not in page and "Hidden Tagged" not in page
    assert "Slow Burn (2)" in page and "fluff (2)" in page
