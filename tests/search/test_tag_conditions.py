"""Tags typed in the search box (``fandom:Naruto``, ``-warning:violence``) filter as the
sidebar does; what cannot be read or found is told back on the search page and listings."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.tags.models import TagType
from tests.factories import UserFactory, WorkFactory
from tests.search.listing_helpers import (
    character,
    fandom,
    index_now,
    page,
    tag,
    titles,
    warning,
    work,
)

pytestmark = pytest.mark.django_db


def notices(html: str) -> list[str]:
    """The messages shown at the top of the page."""
    return [
        " ".join(text.split())
        for text in re.findall(r'<li class="flash[^"]*">(.*?)</li>', html, re.S)
    ]


def search(client: Client, q: str, path: str = "/search/") -> str:
    return page(client, path, {"q": q})


def naruto_and_bleach() -> None:
    work(
        "Leaf Village", fandom("Naruto"), character("Haruno Sakura"), rating="Teen And Up Audiences"
    )
    work("Soul Society", fandom("Bleach"), rating="Mature")
    work(
        "Fallen Leaf",
        fandom("Naruto"),
        warning("Major Character Death"),
        rating="Explicit",
    )
    index_now()


@pytest.mark.parametrize("typed", ["fandom:Naruto", "fandoms: naruto", "fandom_names:NARUTO"])
def test_fandom_field_filters_by_the_fandom(client: Client, typed: str) -> None:
    naruto_and_bleach()

    html = search(client, typed)

    assert sorted(titles(html)) == ["Fallen Leaf", "Leaf Village"]
    assert notices(html) == []
    assert 'You searched for: fandom "' in html


def test_fandom_field_finds_works_tagged_with_a_synonym_of_the_tag_named(
    client: Client,
) -> None:
    canonical = tag("Naruto", TagType.FANDOM, is_canonical=True)
    by_synonym = WorkFactory(title="Tagged With The Synonym")
    by_synonym.tags.add(tag("NARUTO (Anime)", TagType.FANDOM, merger=canonical))
    work("Elsewhere", fandom("Bleach"))
    index_now()

    assert titles(search(client, 'fandom:"NARUTO (Anime)"')) == ["Tagged With The Synonym"]
    assert titles(search(client, "fandom:Naruto")) == ["Tagged With The Synonym"]


def test_rating_by_a_word_of_its_name(client: Client) -> None:
    naruto_and_bleach()

    assert titles(search(client, "rating:teen")) == ["Leaf Village"]


def test_ratings_named_are_either(client: Client) -> None:
    naruto_and_bleach()

    html = search(client, "rating:mature OR rating:explicit")

    assert sorted(titles(html)) == ["Fallen Leaf", "Soul Society"]
    assert notices(html) == []


def test_excluded_warning_leaves_those_works_out(client: Client) -> None:
    naruto_and_bleach()

    html = search(client, "fandom:Naruto -warning:death")

    assert titles(html) == ["Leaf Village"]
    assert 'not warning "death"' in html


def test_character_field_filters_by_the_character(client: Client) -> None:
    naruto_and_bleach()

    assert titles(search(client, 'character:"Haruno Sakura"')) == ["Leaf Village"]


def test_a_fandom_nobody_has_is_searched_as_words_in_the_tags_and_said(client: Client) -> None:
    work("Nine Tails", fandom("Naruto (Anime & Manga)"))
    work("Other", fandom("Bleach"))
    index_now()

    html = search(client, "fandom:Naruto")

    assert titles(html) == ["Nine Tails"]
    assert notices(html) == [
        "No fandom is called “Naruto”, so “fandom:Naruto” was searched for as words in the "
        "works' tags."
    ]


def test_a_rating_that_does_not_exist_is_left_out_and_the_ratings_named(client: Client) -> None:
    naruto_and_bleach()

    html = search(client, "rating:spicy")

    assert len(titles(html)) == 3
    (notice,) = notices(html)
    assert notice.startswith("“rating:spicy” was left out: no rating is called “spicy”")
    assert "“Teen And Up Audiences”" in notice


def test_a_tag_on_nothing_but_a_draft_is_not_revealed(client: Client) -> None:
    work("Secret", fandom("Unreleased Show"), draft=True)
    work("Public", fandom("Bleach"))
    index_now()

    html = search(client, 'fandom:"Unreleased Show"')

    assert titles(html) == []
    assert "No fandom is called “Unreleased Show”" in notices(html)[0]


@pytest.mark.parametrize("path", ["/search/", "/works/", "/tags/Naruto/works/"])
def test_what_could_not_be_read_is_said_on_the_search_page_and_listings(
    client: Client, path: str
) -> None:
    naruto_and_bleach()

    html = search(client, "words>abc leaf", path)

    assert "Leaf Village" in titles(html)
    assert notices(html) == [
        "“words>abc” was left out: “abc” is not a number this search understands. Counts are "
        "written like words>1000, kudos<50 or words:1000-5000."
    ]


def test_tags_typed_on_a_signed_in_listing_use_the_kept_part_safely(client: Client) -> None:
    naruto_and_bleach()
    client.force_login(UserFactory())

    assert sorted(titles(search(client, "fandom:Naruto", reverse("works:list")))) == [
        "Fallen Leaf",
        "Leaf Village",
    ]
    assert titles(search(client, "fandom:Bleach", reverse("works:list"))) == ["Soul Society"]
