"""While the index is behind the database (a change committed, the worker not yet run),
totals, facet counts and results follow the database for the changed works."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from ficshelf.search import backends, index_lag
from ficshelf.search.query import Words, WorkQuery
from ficshelf.search.service import find_works
from ficshelf.tags.models import Tag, TagType
from tests.factories import ChapterFactory, UserFactory
from tests.search.listing_helpers import fandom, freeform, index_now, page, titles, work

pytestmark = pytest.mark.django_db


def facet_count(html: str, tag_name: str) -> int | None:
    """The count the sidebar gives a tag (None: not listed)."""
    found = re.search(re.escape(tag_name) + r' <span class="count">\(([\d,]+)\)</span>', html)
    return int(found.group(1).replace(",", "")) if found else None


def total(html: str) -> str:
    found = re.search(r"(\d[\d,]*|\d+ – \d+ of [\d,]+) Works?", unescape(html))
    assert found, "no total on the page"
    return found.group(0)


def test_a_work_hidden_since_indexing_is_neither_counted_nor_in_the_facets(
    client: Client,
) -> None:
    hidden = work("Soon Hidden", fandom("Lagging Fandom"), freeform("Only On Hidden"))
    work("Stays", fandom("Lagging Fandom"))
    index_now()
    hidden.is_hidden_by_admin = True
    hidden.save()  # queued; the worker has not run

    html = page(client, "/works/")

    assert titles(html) == ["Stays"]
    assert total(html) == "1 – 1 of 1 Work"
    assert facet_count(html, "Lagging Fandom") == 1
    assert facet_count(html, "Only On Hidden") is None


def test_a_work_restricted_since_indexing_leaves_guests_counts_but_not_members(
    client: Client,
) -> None:
    closed = work("Members Soon", fandom("Closing Fandom"))
    work("Open", fandom("Closing Fandom"))
    index_now()
    closed.is_restricted = True
    closed.save()

    guest = page(client, "/works/")
    client.force_login(UserFactory())
    member = page(client, "/works/")

    assert (total(guest), facet_count(guest, "Closing Fandom")) == ("1 – 1 of 1 Work", 1)
    assert (total(member), facet_count(member, "Closing Fandom")) == ("1 – 2 of 2 Works", 2)


def test_a_work_unhidden_since_indexing_is_counted_and_listed_before_the_worker_runs(
    client: Client,
) -> None:
    back = work("Back Again", fandom("Returning Fandom"), hidden=True)
    work("Was Always Here", fandom("Returning Fandom"))
    index_now()
    back.is_hidden_by_admin = False
    back.save()

    html = page(client, "/works/")

    assert titles(html) == ["Was Always Here", "Back Again"]
    assert total(html) == "1 – 2 of 2 Works"
    assert facet_count(html, "Returning Fandom") == 2


def test_words_follow_the_database_for_changed_works(client: Client) -> None:
    edited = work("Edited Text")
    index_now()
    chapter = edited.chapters.get()
    chapter.text = "<p>Now it speaks of a quokka.</p>"
    chapter.save()

    old_word = page(client, "/search/", {"q": "five"})
    new_word = page(client, "/search/", {"q": "quokka"})

    assert (titles(old_word), "No works found" in old_word) == ([], True)
    assert titles(new_word) == ["Edited Text"]
    assert total(new_word) == "1 – 1 of 1 Work"


def test_a_tag_lifted_into_the_top_by_changed_works_gets_its_exact_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, count in (("Alpha", 5), ("Gamma", 4), ("Delta", 4), ("Beta", 3)):
        for number in range(count):
            work(f"{name} {number}", freeform(name))
    joining = [work(f"Joining {number}") for number in range(3)]
    index_now()
    beta = Tag.objects.get(name="Beta")
    for changed in joining:
        changed.tags.add(beta)  # queued, filter taggings recomputed

    counted_alone: list[int] = []
    count_in_index = index_lag._count_in_index
    monkeypatch.setattr(
        index_lag,
        "_count_in_index",
        lambda b, q, tag_id: counted_alone.append(tag_id) or count_in_index(b, q, tag_id),
    )

    answer = find_works(None, WorkQuery(facet_limit=1, facet_types=(TagType.FREEFORM.value,)))

    assert counted_alone == [beta.pk]
    # The index alone names Alpha, Gamma and Delta (3 times the one asked for); Beta has 3
    # there, counted on its own, and 3 more in the database.
    assert [(e.tag.name, e.count) for e in answer.facets[TagType.FREEFORM.value]] == [("Beta", 6)]
    assert answer.total == 19


def test_with_nothing_queued_the_index_is_asked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    work("Quiet Archive")
    index_now()
    backend = backends.get_backend()
    asked: list[WorkQuery] = []
    search = backend.search
    monkeypatch.setattr(backend, "search", lambda query: asked.append(query) or search(query))

    found = find_works(None, WorkQuery(text=Words("quiet")))

    assert [w.title for w in found.works] == ["Quiet Archive"]
    assert len(asked) == 1


def test_a_chapter_posted_since_indexing_is_found_by_its_words(client: Client) -> None:
    story = work("Two Parts")
    ChapterFactory(work=story, position=2, text="<p>A wombat appears.</p>", is_posted=False)
    index_now()
    draft = story.chapters.get(position=2)
    draft.is_posted = True
    draft.save()

    assert titles(page(client, "/search/", {"q": "wombat"})) == ["Two Parts"]


def test_a_tag_page_counts_what_the_database_says_before_the_worker_runs(
    client: Client,
) -> None:
    gone = work("Gone From The Tag", fandom("Counted Fandom"))
    work("Still Tagged", fandom("Counted Fandom"))
    index_now()
    gone.is_posted = False
    gone.save()

    html = page(client, "/tags/Counted Fandom/")

    assert '<span class="index-count">(1)</span>' in html


def test_when_many_works_are_queued_the_most_recently_changed_are_checked(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ficshelf.search.index_lag.QUEUED_WORKS_CHECKED", 1)
    earlier = work("Changed Earlier")
    latest = work("Changed Last")
    index_now()
    earlier.is_hidden_by_admin = True
    earlier.save()
    latest.is_hidden_by_admin = True
    latest.save()

    html = page(client, "/works/")

    # Neither is shown (the page is re-checked); the count knows of the latest change only.
    assert titles(html) == []
    assert total(html) == "1 – 1 of 1 Work"


def tag_page_count(html: str) -> int:
    found = re.search(r'<span class="index-count">\(([\d,]+)\)</span>', html)
    assert found, "no count on the tag page"
    return int(found.group(1).replace(",", ""))


def test_a_tag_pages_count_is_its_listings_total_for_each_reader(client: Client) -> None:
    from ficshelf.accounts.actions import mute_user
    from tests.factories import PseudFactory

    muted_creator = PseudFactory()
    work("Public", fandom("Agreeing Fandom"))
    work("Members Only", fandom("Agreeing Fandom"), restricted=True)
    work("By The Muted", fandom("Agreeing Fandom"), creator=muted_creator)
    work("Draft", fandom("Agreeing Fandom"), draft=True)
    index_now()
    reader = UserFactory()
    mute_user(muted_creator.user, actor=reader)
    listing = "/tags/Agreeing Fandom/works/"
    seen = {}
    for who in ("guest", "member"):
        if who == "member":
            client.force_login(reader)
        counted = tag_page_count(page(client, "/tags/Agreeing Fandom/"))
        assert total(page(client, listing)) == f"1 – {counted} of {counted} Works"
        seen[who] = counted
    # Guests: the public work and the muted creator's; the member: the public one and the
    # members-only one, never the muted creator's.
    assert seen == {"guest": 2, "member": 2}
