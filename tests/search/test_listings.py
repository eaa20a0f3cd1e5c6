"""The works listings: every scope, facets, pages, visibility, and bad input."""

from __future__ import annotations

import datetime
import re
from collections import abc
from collections.abc import Callable, Iterable, Sequence

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from ficshelf.accounts.models import Mute
from ficshelf.search.backends.base import SearchResult, SearchUnavailable
from ficshelf.search.documents import WorkDocument
from ficshelf.search.query import WorkQuery
from ficshelf.tags.models import TagType
from ficshelf.works.models import Collection, Series, SeriesWork
from tests.factories import ChapterFactory, PseudFactory, UserFactory, WorkFactory, language
from tests.search.listing_helpers import (
    character,
    fandom,
    index_now,
    page,
    tag,
    tag_id,
    titles,
    work,
)

pytestmark = pytest.mark.django_db


class BrokenBackend:
    """A backend whose index cannot be read."""

    def __init__(self, location: str) -> None:
        self.location = location

    def search(self, query: WorkQuery) -> SearchResult:
        raise SearchUnavailable("the index is corrupt")

    def update(self, documents: Sequence[WorkDocument], removed_ids: abc.Collection[int]) -> None:
        pass

    def rebuild(
        self,
        documents: Iterable[WorkDocument],
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        pass


# ---- The whole archive ----


def test_archive_lists_posted_public_works_newest_update_first(client: Client) -> None:
    work("Older", updated_on=datetime.date(2023, 1, 1))
    work("Newer", updated_on=datetime.date(2024, 6, 1))
    work("A Draft", draft=True)
    work("Hidden", hidden=True)
    index_now()

    html = page(client, reverse("works:list"))

    assert titles(html) == ["Newer", "Older"]
    assert "1 – 2 of 2 Works" in html


def test_home_page_is_the_archive_listing(client: Client) -> None:
    work("On The Home Page")
    index_now()

    assert titles(page(client, reverse("works:index"))) == ["On The Home Page"]


def test_empty_archive_says_so(client: Client) -> None:
    html = page(client, reverse("works:list"))

    assert "0 Works" in html
    assert "No works found" in html


def test_guests_do_not_see_restricted_works_and_members_do(client: Client) -> None:
    work("Open")
    work("Members Only", restricted=True)
    index_now()

    assert titles(page(client, "/works/")) == ["Open"]
    client.force_login(UserFactory())
    assert sorted(titles(page(client, "/works/"))) == ["Members Only", "Open"]


def test_works_of_muted_creators_vanish_from_listings(client: Client) -> None:
    loud = PseudFactory(name="loud")
    work("Loud Story", creator=loud)
    work("Quiet Story")
    reader = UserFactory()
    Mute.objects.create(muter=reader, muted=loud.user)
    index_now()
    client.force_login(reader)

    html = page(client, "/works/")

    assert titles(html) == ["Quiet Story"]
    assert "1 – 1 of 1 Work" in html


def test_a_work_made_a_draft_after_indexing_is_not_shown_before_the_reindex(
    client: Client,
) -> None:
    story = work("Taken Back")
    work("Still Here")
    index_now()
    story.is_posted = False
    story.save()  # queued for reindexing; the worker has not run yet

    assert titles(page(client, "/works/")) == ["Still Here"]


def test_a_work_hidden_by_an_admin_after_indexing_is_not_shown(client: Client) -> None:
    story = work("Hidden Later")
    index_now()
    story.is_hidden_by_admin = True
    story.save()

    assert titles(page(client, "/works/")) == []


def test_blurbs_show_kudos_comments_bookmarks_and_hits(client: Client) -> None:
    WorkFactory(kudos_count=1234, comments_count=5, bookmarks_count=7, hits_count=98765)
    index_now()

    html = page(client, "/works/")

    assert '<dd class="kudos">1,234</dd>' in html
    assert '<dd class="comments">5</dd>' in html
    assert '<dd class="bookmarks">7</dd>' in html
    assert '<dd class="hits">98,765</dd>' in html


def test_blurbs_leave_out_counts_that_are_zero_but_always_show_hits(client: Client) -> None:
    WorkFactory()
    index_now()

    html = page(client, "/works/")

    assert 'class="kudos"' not in html
    assert '<dd class="hits">0</dd>' in html


# ---- Pages ----


def test_twenty_works_a_page_with_the_last_page_linked(client: Client) -> None:
    for number in range(45):
        WorkFactory(title=f"Work {number:02}", updated_on=datetime.date(2024, 1, 1))
    index_now()

    first = page(client, "/works/")

    assert len(titles(first)) == 20
    assert "1 – 20 of 45 Works" in first
    assert 'href="?page=3"' in first
    assert 'rel="next" href="?page=2"' in first


def test_a_deep_page_shows_its_works_and_a_previous_link(client: Client) -> None:
    for number in range(45):
        WorkFactory(title=f"Work {number:02}", updated_on=datetime.date(2024, 1, 1))
    index_now()

    third = page(client, "/works/", {"page": 3})

    assert len(titles(third)) == 5
    assert "41 – 45 of 45 Works" in third
    assert 'rel="prev" href="?page=2"' in third


def test_page_links_keep_the_filters(client: Client) -> None:
    for number in range(21):
        work(f"Work {number:02}", fandom("Naruto"))
    index_now()

    html = page(client, "/works/", {"sort": "title", "include_fandom": tag_id("Naruto")})

    assert f"?sort=title&include_fandom={tag_id('Naruto')}&page=2" in html


def test_a_page_past_the_end_says_where_the_last_page_is(client: Client) -> None:
    work("Only One")
    index_now()

    html = page(client, "/works/", {"page": 9})

    assert titles(html) == []
    assert "There is no page 9" in html


# ---- Sorting ----


def test_sorting_by_kudos_puts_the_most_kudosed_first(client: Client) -> None:
    WorkFactory(title="Few", kudos_count=2)
    WorkFactory(title="Many", kudos_count=50)
    WorkFactory(title="Some", kudos_count=10)
    index_now()

    assert titles(page(client, "/works/", {"sort": "kudos"})) == ["Many", "Some", "Few"]


def test_ascending_order_reverses_a_sort(client: Client) -> None:
    WorkFactory(title="Few", kudos_count=2)
    WorkFactory(title="Many", kudos_count=50)
    index_now()

    assert titles(page(client, "/works/", {"sort": "kudos", "order": "asc"})) == ["Few", "Many"]


def test_sorting_by_title_reads_a_to_z_unless_asked_otherwise(client: Client) -> None:
    for title in ("Bravo", "Alpha", "Charlie"):
        WorkFactory(title=title)
    index_now()

    assert titles(page(client, "/works/", {"sort": "title"})) == ["Alpha", "Bravo", "Charlie"]
    assert titles(page(client, "/works/", {"sort": "title", "order": "desc"})) == [
        "Charlie",
        "Bravo",
        "Alpha",
    ]


@pytest.mark.parametrize(
    ("sort", "field"),
    [
        ("words", "word_count"),
        ("hits", "hits_count"),
        ("comments", "comments_count"),
        ("bookmarks", "bookmarks_count"),
    ],
)
def test_each_count_sorts_biggest_first(client: Client, sort: str, field: str) -> None:
    WorkFactory(title="Small", **{field: 1})
    WorkFactory(title="Big", **{field: 100})
    index_now()

    assert titles(page(client, "/works/", {"sort": sort})) == ["Big", "Small"]


def test_sorting_by_date_posted(client: Client) -> None:
    WorkFactory(title="First Posted", published_on=datetime.date(2020, 1, 1))
    WorkFactory(title="Last Posted", published_on=datetime.date(2024, 1, 1))
    index_now()

    assert titles(page(client, "/works/", {"sort": "posted"})) == ["Last Posted", "First Posted"]


def test_the_sort_control_shows_the_current_sort(client: Client) -> None:
    html = page(client, "/works/", {"sort": "kudos"})

    assert '<option value="kudos" selected>Kudos</option>' in html


# ---- Facets ----


def test_sidebar_counts_the_tags_of_the_result_set(client: Client) -> None:
    work("One", fandom("Naruto"), character("Sakura"))
    work("Two", fandom("Naruto"), character("Hinata"))
    work("Three", fandom("Bleach"))
    index_now()

    html = page(client, "/works/")

    assert re.search(r"Naruto <span class=\"count\">\(2\)</span>", html)
    assert re.search(r"Bleach <span class=\"count\">\(1\)</span>", html)
    assert re.search(r"Sakura <span class=\"count\">\(1\)</span>", html)
    assert re.search(r"General Audiences <span class=\"count\">\(3\)</span>", html)


def test_sidebar_counts_follow_the_filters(client: Client) -> None:
    work("One", fandom("Naruto"), character("Sakura"))
    work("Two", fandom("Bleach"), character("Ichigo"))
    index_now()

    html = page(client, "/works/", {"include_fandom": tag_id("Naruto")})

    assert "Sakura <span" in html
    assert "Ichigo" not in html


def test_sidebar_shows_ten_tags_of_a_type_and_offers_more(client: Client) -> None:
    for number in range(12):
        work(f"Work {number}", fandom(f"Fandom {number:02}"))
    index_now()

    html = page(client, "/works/")
    more = page(client, "/works/", {"facet_more": "fandom"})

    assert len(re.findall(r'name="include_fandom"', html)) == 10
    assert "?facet_more=fandom#filters" in html
    assert "More fandoms" in html
    assert len(re.findall(r'name="include_fandom"', more)) == 12
    assert "Fewer fandoms" in more


def test_counts_over_a_sample_are_marked_as_estimates(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ficshelf.search.backends.embedded.facets.EXACT_FACETS_UP_TO", 1)
    # The sample is a third of the buckets here; which bucket a work falls in follows its
    # id, which on PostgreSQL depends on the tests before. All in the first: in the sample.
    monkeypatch.setattr("ficshelf.search.backends.embedded.schema.sample_bucket", lambda _: 0)
    for number in range(3):
        work(f"Work {number}", fandom("Naruto"))
    index_now()

    html = page(client, "/works/")

    assert re.search(r"Naruto <span class=\"count\">\(about \d+\)</span>", html)


def test_a_tag_name_with_markup_is_shown_as_text_in_the_sidebar(client: Client) -> None:
    work("One", fandom("<b>Bold</b> & Co"))
    index_now()

    raw = client.get("/works/").content.decode()  # page() undoes the entities

    sidebar = raw[raw.index('id="filters"') :]
    assert sidebar.count("&lt;b&gt;Bold&lt;/b&gt; &amp; Co <span") == 2  # include, exclude
    assert "<b>Bold</b>" not in raw


def test_fewer_leaves_the_expanded_group_and_the_page_but_keeps_the_other_filters(
    client: Client,
) -> None:
    for number in range(12):
        work(f"Work {number}", fandom(f"Fandom {number:02}"))
    index_now()

    html = page(client, "/works/", {"facet_more": "fandom", "sort": "words", "page": 1})

    assert '<a href="?sort=words#filters">Fewer fandoms</a>' in html
    assert "include_fandom" in html and "More fandoms" not in html


def test_the_language_menu_shows_the_language_chosen_and_a_language_added_since(
    client: Client,
) -> None:
    from ficshelf.core.process_cache import clear_process_cache
    from ficshelf.works.models import Language

    work("One")
    index_now()

    chosen = page(client, "/works/", {"language": "de"})
    Language.objects.create(short="tlh", name="tlhIngan Hol")
    cache.clear()
    clear_process_cache()
    after = page(client, "/works/")

    assert '<option value="de" selected>' in chosen
    assert '<option value="" selected>Any language</option>' in after
    assert '<option value="de">' in after
    assert '<option value="tlh">tlhIngan Hol</option>' in after


def test_exact_counts_are_not_marked_as_estimates(client: Client) -> None:
    work("One", fandom("Naruto"))
    index_now()

    html = page(client, "/works/")

    assert 'Naruto <span class="count">(1)</span>' in html


def test_a_chosen_tag_stays_in_the_sidebar_when_excluding_leaves_it_no_works(
    client: Client,
) -> None:
    work("One", fandom("Naruto"))
    work("Two", fandom("Bleach"))
    index_now()
    naruto = tag_id("Naruto")

    html = page(client, "/works/", {"exclude_fandom": naruto})

    assert titles(html) == ["Two"]
    assert f'name="exclude_fandom" value="{naruto}" id="exclude_fandom_{naruto}" checked' in html


# ---- Scopes ----


def test_tag_listing_shows_the_tags_works_with_a_heading(client: Client) -> None:
    work("In Naruto", fandom("Naruto"))
    work("In Bleach", fandom("Bleach"))
    index_now()

    html = page(client, reverse("search:tag_works", kwargs={"tag": "Naruto"}))

    assert titles(html) == ["In Naruto"]
    assert re.search(r"1 – 1 of 1 Work\s+in <a href=\"/tags/Naruto/\">Naruto</a>", html)


def test_tag_listing_finds_works_tagged_with_a_synonym(client: Client) -> None:
    canonical = tag("Hermione Granger", TagType.CHARACTER, is_canonical=True)
    synonym = tag("Hermione", TagType.CHARACTER, merger=canonical)
    by_synonym = WorkFactory(title="By Synonym")
    by_synonym.tags.add(synonym)
    index_now()

    assert titles(page(client, "/tags/Hermione Granger/works/")) == ["By Synonym"]


def test_a_synonyms_listing_redirects_to_its_canonicals_keeping_the_filters(
    client: Client,
) -> None:
    canonical = tag("Hermione Granger", TagType.CHARACTER, is_canonical=True)
    WorkFactory().tags.add(tag("Hermione", TagType.CHARACTER, merger=canonical))

    response = client.get("/tags/Hermione/works/?sort=kudos")

    assert response.status_code == 302
    assert response["Location"] == "/tags/Hermione%20Granger/works/?sort=kudos"


def test_tag_names_with_slashes_use_ao3s_escapes(client: Client) -> None:
    work("Het", (TagType.CATEGORY, "F/M"))
    work("Gen", (TagType.CATEGORY, "Gen"))
    index_now()

    assert reverse("search:tag_works", kwargs={"tag": "F/M"}) == "/tags/F*s*M/works/"
    assert titles(page(client, "/tags/F*s*M/works/")) == ["Het"]


def test_unknown_tag_is_a_404(client: Client) -> None:
    page(client, "/tags/No Such Tag/works/", status=404)


def test_a_tag_only_on_a_draft_is_a_404_for_others(client: Client) -> None:
    work("Secret Draft", fandom("Unpublished Fandom"), draft=True)

    page(client, "/tags/Unpublished Fandom/works/", status=404)


def test_user_listing_shows_only_that_creators_works(client: Client) -> None:
    writer = PseudFactory(user=UserFactory(username="lunafan"))
    work("Mine", creator=writer)
    work("Theirs")
    index_now()

    html = page(client, reverse("search:user_works", kwargs={"username": "lunafan"}))

    assert titles(html) == ["Mine"]
    assert 'by <a href="/users/lunafan/">lunafan</a>' in html


def test_unknown_user_listing_is_a_404(client: Client) -> None:
    page(client, "/users/nobody-here/works/", status=404)


def test_series_listing_shows_the_series_works(client: Client) -> None:
    series = Series.objects.create(title="The Saga")
    part = work("Part One")
    SeriesWork.objects.create(series=series, work=part)
    work("Standalone")
    index_now()

    html = page(client, reverse("search:series_works", kwargs={"series_id": series.pk}))

    assert titles(html) == ["Part One"]
    assert "The Saga</a>" in html


def test_unknown_series_listing_is_a_404(client: Client) -> None:
    page(client, "/series/999999/works/", status=404)


def test_collection_listing_shows_the_collections_works(client: Client) -> None:
    collection = Collection.objects.create(name="summer_fest", title="Summer Fest")
    entry = work("Festival Entry")
    collection.works.add(entry)
    work("Not Entered")
    index_now()

    html = page(client, reverse("search:collection_works", kwargs={"name": "summer_fest"}))

    assert titles(html) == ["Festival Entry"]
    assert "Summer Fest" in html


def test_unknown_collection_is_a_404(client: Client) -> None:
    page(client, "/collections/nope/works/", status=404)


def test_language_listing_shows_works_in_that_language(client: Client) -> None:
    work("English Work")
    work("German Work", language=language("de"))
    index_now()

    html = page(client, reverse("search:language_works", kwargs={"short": "de"}))

    assert titles(html) == ["German Work"]
    assert 'name="language"' not in html  # the language is the listing's, not a filter


def test_unknown_language_is_a_404(client: Client) -> None:
    page(client, "/languages/xx-nope/works/", status=404)


# ---- The search page ----


def test_search_finds_works_by_words_in_their_text_and_marks_them(client: Client) -> None:
    dragon = WorkFactory(title="Scales")
    chapter = dragon.chapters.get()
    chapter.text = "<p>The old dragon slept on its gold while the village burned.</p>"
    chapter.save()
    WorkFactory(title="Nothing Scaly")
    index_now()

    html = page(client, reverse("search:search"), {"q": "dragon"})

    assert titles(html) == ["Scales"]
    assert "The old <mark>dragon</mark> slept" in html
    assert "1 – 1 of 1 Work found" in html


def test_snippets_come_from_posted_chapters_only(client: Client) -> None:
    story = WorkFactory(title="Two Parts")
    ChapterFactory(work=story, position=2, is_posted=False, text="<p>secret griffin</p>")
    first = story.chapters.get(position=1)
    first.text = "<p>A griffin appears.</p>"
    first.save()
    index_now()

    html = page(client, "/search/", {"q": "griffin"})

    assert "A <mark>griffin</mark> appears." in html
    assert "secret" not in html


def test_search_page_without_words_asks_for_some(client: Client) -> None:
    work("Not Listed Until Searched")
    index_now()

    html = page(client, "/search/")

    assert titles(html) == []

    assert "Type some words to search for." in html
    assert 'role="search"' in html


def test_a_search_too_long_to_read_says_so(client: Client) -> None:
    html = page(client, "/search/", {"q": "dragon " * 200})

    assert "This can be at most 1,000 characters long" in html


def test_search_says_back_what_was_searched_for(client: Client) -> None:
    html = page(client, "/search/", {"q": "dragon words>1000"})

    assert "You searched for:" in html


def test_site_header_has_a_search_box(client: Client) -> None:
    html = page(client, "/works/")

    assert 'action="/search/"' in html


# ---- Bad input and failures ----


def test_bad_parameters_give_the_page_with_errors_and_the_valid_filters_applied(
    client: Client,
) -> None:
    work("Naruto Work", fandom("Naruto"))
    work("Bleach Work", fandom("Bleach"))
    index_now()

    html = page(
        client,
        "/works/",
        {
            "include_fandom": tag_id("Naruto"),
            "words_from": "lots",
            "sort": "sideways",
            "page": "-3",
            "updated_from": "yesterday-ish",
            "exclude_character": "x",
            "language": "klingon",
        },
    )

    assert titles(html) == ["Naruto Work"]
    assert "Some filters could not be used" in html
    assert "Enter a whole number." in html
    assert "Enter a valid date." in html


def test_an_unknown_tag_id_is_an_error_in_the_sidebar(client: Client) -> None:
    html = page(client, "/works/", {"include_fandom": 987654})

    assert "Some of the chosen tags no longer exist." in html


def test_an_unknown_facet_type_is_ignored_with_an_error(client: Client) -> None:
    html = page(client, "/works/", {"facet_more": "nonsense"})

    assert "Some filters could not be used" in html


def test_search_unavailable_gives_a_503_page(client: Client, settings: object) -> None:
    settings.FICSHELF_SEARCH_BACKEND = "tests.search.test_listings.BrokenBackend"  # type: ignore[attr-defined]

    response = client.get("/works/")

    assert response.status_code == 503
    assert "Search is unavailable" in response.content.decode()


def test_search_unavailable_on_a_tag_listing_gives_a_503_page(
    client: Client, settings: object
) -> None:
    tag("Naruto", TagType.FANDOM, is_canonical=True)
    settings.FICSHELF_SEARCH_BACKEND = "tests.search.test_listings.BrokenBackend"  # type: ignore[attr-defined]

    assert client.get("/tags/Naruto/works/").status_code == 503


def test_listing_queries_do_not_grow_with_the_number_of_works(
    client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for number in range(20):
        work(f"Work {number}", fandom("Shared"), character(f"Person {number}"))
    index_now()
    client.force_login(UserFactory())

    # session, user, preferences, exclusions, mutes, the newest index-queue entry (the page
    # cache's key), works + prefetches, facet tags, languages; the site content's generation
    # and, once per generation, the current Terms version and the banner (sitecontent.state)
    with django_assert_max_num_queries(16):
        client.get("/works/")
    # Kept: no works, prefetches or facet tags (the site content's generation still).
    with django_assert_max_num_queries(8):
        client.get("/works/")
