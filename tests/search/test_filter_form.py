"""The filter sidebar: each filter through the address, and the form's translation to a query."""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict
from django.test import Client

from ficshelf.search.forms import WorkFilterForm
from ficshelf.search.query import Crossover, DateRange, IntRange, Sort, WorkQuery
from ficshelf.tags.models import TagType
from tests.factories import WorkFactory, language
from tests.search.listing_helpers import (
    category,
    character,
    fandom,
    freeform,
    index_now,
    page,
    relationship,
    tag_id,
    titles,
    warning,
    work,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 3, 14)


def query_for(params: str, base: WorkQuery | None = None) -> WorkQuery:
    form = WorkFilterForm(QueryDict(params), today=TODAY)
    return form.to_query(base or WorkQuery())


# ---- Through the address ----


def test_including_a_character_keeps_only_works_with_them(client: Client) -> None:
    work("With Sakura", fandom("Naruto"), character("Sakura"))
    work("Without", fandom("Naruto"), character("Hinata"))
    index_now()

    html = page(client, "/works/", {"include_character": tag_id("Sakura")})

    assert titles(html) == ["With Sakura"]


def test_including_two_tags_needs_both(client: Client) -> None:
    work("Both", freeform("Fluff"), freeform("Angst"))
    work("Fluff Only", freeform("Fluff"))
    index_now()

    html = page(client, "/works/", {"include_freeform": [tag_id("Fluff"), tag_id("Angst")]})

    assert titles(html) == ["Both"]


def test_excluding_a_warning_leaves_out_its_works(client: Client) -> None:
    work("Violent", warning("Graphic Depictions Of Violence"))
    work("Gentle", warning("No Archive Warnings Apply"))
    index_now()

    html = page(client, "/works/", {"exclude_warning": tag_id("Graphic Depictions Of Violence")})

    assert titles(html) == ["Gentle"]


def test_including_two_ratings_finds_works_with_either(client: Client) -> None:
    WorkFactory(title="Teen", rating="Teen And Up Audiences")
    WorkFactory(title="Explicit", rating="Explicit")
    WorkFactory(title="General")
    index_now()

    html = page(
        client,
        "/works/",
        {"include_rating": [tag_id("Teen And Up Audiences"), tag_id("Explicit")], "sort": "title"},
    )

    assert titles(html) == ["Explicit", "Teen"]


def test_including_a_category_and_excluding_a_relationship(client: Client) -> None:
    work("Kept", category("F/M"), relationship("Kakashi/Sakura"))
    work("Dropped", category("F/M"), relationship("Naruto/Sakura"))
    work("Wrong Category", category("Gen"))
    index_now()

    html = page(
        client,
        "/works/",
        {"include_category": tag_id("F/M"), "exclude_relationship": tag_id("Naruto/Sakura")},
    )

    assert titles(html) == ["Kept"]


def test_other_tags_to_include_and_exclude_by_name(client: Client) -> None:
    work("Fluffy", freeform("Fluff"))
    work("Fluffy But Sad", freeform("Fluff"), freeform("Angst"))
    work("Plain")
    index_now()

    html = page(client, "/works/", {"other_tags": "fluff", "other_exclude_tags": "Angst"})

    assert titles(html) == ["Fluffy"]


def test_an_unknown_other_tag_is_a_message_not_an_error(client: Client) -> None:
    work("Anything")
    index_now()

    html = page(client, "/works/", {"other_tags": "No Such Tag"})

    assert "No tag is called “No Such Tag”" in html
    assert titles(html) == ["Anything"]
    assert "Some filters could not be used" not in html


def test_crossovers_can_be_left_out_or_be_the_only_ones(client: Client) -> None:
    work("Crossover", fandom("Naruto"), fandom("Bleach"))
    work("Single", fandom("Naruto"))
    index_now()

    assert titles(page(client, "/works/", {"crossover": "exclude"})) == ["Single"]
    assert titles(page(client, "/works/", {"crossover": "only"})) == ["Crossover"]
    assert sorted(titles(page(client, "/works/", {"crossover": "include"}))) == [
        "Crossover",
        "Single",
    ]


def test_complete_and_in_progress(client: Client) -> None:
    WorkFactory(title="Done", is_complete=True)
    WorkFactory(title="Ongoing", is_complete=False, expected_chapter_count=None)
    index_now()

    assert titles(page(client, "/works/", {"complete": "complete"})) == ["Done"]
    assert titles(page(client, "/works/", {"complete": "in_progress"})) == ["Ongoing"]


def test_word_count_from_and_to(client: Client) -> None:
    WorkFactory(title="Drabble", word_count=100)
    WorkFactory(title="Oneshot", word_count=5000)
    WorkFactory(title="Epic", word_count=200_000)
    index_now()

    html = page(client, "/works/", {"words_from": 1000, "words_to": 10000})

    assert titles(html) == ["Oneshot"]


def test_date_updated_from_and_to(client: Client) -> None:
    WorkFactory(title="Old", updated_on=datetime.date(2020, 5, 1))
    WorkFactory(title="Middle", updated_on=datetime.date(2022, 5, 1))
    WorkFactory(title="New", updated_on=datetime.date(2024, 5, 1))
    index_now()

    html = page(client, "/works/", {"updated_from": "2021-01-01", "updated_to": "2023-01-01"})

    assert titles(html) == ["Middle"]


def test_language_filter(client: Client) -> None:
    WorkFactory(title="English")
    WorkFactory(title="Deutsch", language=language("de"))
    index_now()

    assert titles(page(client, "/works/", {"language": "de"})) == ["Deutsch"]


def test_search_within_results_narrows_a_tag_listing(client: Client) -> None:
    dragon = work("Dragon Tale", fandom("Naruto"))
    work("Other Tale", fandom("Naruto"))
    work("Dragon Elsewhere", fandom("Bleach"))
    chapter = dragon.chapters.get()
    chapter.text = "<p>A dragon came.</p>"
    chapter.save()
    index_now()

    html = page(client, "/tags/Naruto/works/", {"q": "dragon"})

    assert titles(html) == ["Dragon Tale"]


def test_search_within_results_ranges_combine_with_the_sidebar(client: Client) -> None:
    WorkFactory(title="Short Loved", word_count=500, kudos_count=90)
    WorkFactory(title="Long Loved", word_count=50_000, kudos_count=90)
    WorkFactory(title="Long Unloved", word_count=50_000, kudos_count=1)
    index_now()

    html = page(client, "/works/", {"words_from": 1000, "q": "kudos>10"})

    assert titles(html) == ["Long Loved"]


def test_filters_survive_in_the_sidebar(client: Client) -> None:
    work("Kept", character("Sakura"))
    index_now()
    sakura = tag_id("Sakura")

    html = page(client, "/works/", {"include_character": sakura, "words_from": 3})

    assert f'value="{sakura}" id="include_character_{sakura}" checked' in html
    assert 'name="words_from" value="3"' in html


# ---- The form itself ----


def test_an_empty_form_asks_for_everything_newest_first() -> None:
    query = query_for("")

    assert query == WorkQuery()
    assert query.effective_sort is Sort.UPDATED


def test_sort_and_order_become_the_querys() -> None:
    assert query_for("sort=kudos").sort is Sort.KUDOS
    assert query_for("sort=kudos").descending is True
    assert query_for("sort=kudos&order=asc").descending is False
    assert query_for("sort=title").descending is False


def test_the_scope_is_kept_and_narrowed() -> None:
    base = WorkQuery(all_tag_ids=frozenset({7}), creator_user_id=3)

    query = query_for("", base)

    assert query.all_tag_ids == frozenset({7})
    assert query.creator_user_id == 3


def test_ranges_from_the_search_box_narrow_the_sidebars() -> None:
    query = query_for("words_from=100&words_to=9000&q=words<500 words>200")

    assert query.words == IntRange(201, 499)


def test_dates_from_the_search_box_narrow_the_sidebars() -> None:
    query = query_for("updated_from=2024-01-01&q=updated<2024-06-01")

    assert query.updated == DateRange(datetime.date(2024, 1, 1), datetime.date(2024, 5, 31))


def test_the_search_box_words_become_the_text() -> None:
    assert query_for("q=dragon").text is not None
    assert query_for("q=").text is None


def test_crossover_and_complete_choices() -> None:
    assert query_for("crossover=only").crossover is Crossover.ONLY
    assert query_for("complete=complete").is_complete is True
    assert query_for("complete=in_progress").is_complete is False
    assert query_for("complete=").is_complete is None


def test_ticked_tags_become_include_and_exclude_ids() -> None:
    work("Any", character("Sakura"), warning("Major Character Death"))
    sakura, death = tag_id("Sakura"), tag_id("Major Character Death")
    explicit = tag_id("Explicit")

    query = query_for(
        f"include_character={sakura}&exclude_warning={death}&include_rating={explicit}"
    )

    assert query.all_tag_ids == frozenset({sakura})
    assert query.none_tag_ids == frozenset({death})
    assert query.any_rating_ids == frozenset({explicit})


def test_a_tag_ticked_under_the_wrong_type_is_an_error() -> None:
    work("Any", character("Sakura"))
    form = WorkFilterForm(QueryDict(f"include_fandom={tag_id('Sakura')}"))

    assert not form.is_valid()
    assert "include_fandom" in form.errors
    assert form.to_query(WorkQuery()).all_tag_ids == frozenset()


def test_a_synonym_named_in_other_tags_filters_by_its_canonical() -> None:
    canonical = work("Any", character("Hermione Granger")).tags.get(name="Hermione Granger")
    work("Other", (TagType.CHARACTER, "Hermione"))
    synonym = canonical.__class__.objects.get(name="Hermione")
    synonym.merger = canonical
    synonym.save()

    query = query_for("other_tags=Hermione")

    assert query.all_tag_ids == frozenset({canonical.pk})


def test_word_counts_in_the_wrong_order_are_an_error() -> None:
    form = WorkFilterForm(QueryDict("words_from=500&words_to=100"))

    assert not form.is_valid()
    assert "words_to" in form.errors
    assert form.to_query(WorkQuery()).words == IntRange(500, None)


def test_invalid_values_leave_the_rest_of_the_query() -> None:
    query = query_for("sort=nonsense&words_from=-5&page=zero&complete=maybe&language=xx&q=dragon")

    assert query.sort is Sort.BEST_MATCH
    assert query.words == IntRange()
    assert query.page == 1
    assert query.is_complete is None
    assert query.text is not None


def test_a_huge_page_number_is_an_error_not_a_crash() -> None:
    form = WorkFilterForm(QueryDict("page=99999999999999999999"))

    assert not form.is_valid()
    assert form.to_query(WorkQuery()).page == 1


def test_the_heading_says_what_the_listing_is_filtered_by(client: Client) -> None:
    work("Kept", character("Sakura"), freeform("Fluff"))
    index_now()

    html = page(
        client,
        "/works/",
        {"include_character": tag_id("Sakura"), "other_exclude_tags": "Angst, Fluff"},
    )

    assert "Filtered:" in html
    assert "with <strong>Sakura</strong>; " in html
    assert "without <strong>Fluff</strong>" in html


def test_a_tag_only_on_a_draft_cannot_be_probed_by_id_or_name(client: Client) -> None:
    work("Secret", freeform("Secret Plot Twist"), draft=True)
    secret = tag_id("Secret Plot Twist")

    by_id = page(client, "/works/", {"include_freeform": secret})
    by_name = page(client, "/works/", {"other_tags": "Secret Plot Twist"})

    assert "Some of the chosen tags no longer exist." in by_id
    assert "Secret Plot Twist" not in by_id
    assert "No tag is called “Secret Plot Twist”" in by_name
