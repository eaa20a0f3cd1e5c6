"""Tag search (/tags/search/): name, type, fandom, canonical or not, sorted by name or by
works; only tags the reader could meet, each counted as its own page counts it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from ficshelf.search.models import ExclusionSet
from ficshelf.search.tag_search import TAGS_PER_PAGE
from ficshelf.tags.models import ParentTagging, Tag, TagType
from ficshelf.tags.naming import tag_to_url_part
from tests.factories import UserFactory
from tests.helpers import get_listing, page_text
from tests.tags.factories import canonical, fandom, synonym, tag, work_tagged

pytestmark = pytest.mark.django_db


def search(client: Client, status: int = 200, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return page_text(get_listing(client, f"/tags/search/?{query}"), status=status)


def found(html: str) -> list[str]:
    """The tag names listed, in order."""
    if 'class="finder-results"' not in html:
        assert "No tags match" in html
        return []
    results = html.split('class="finder-results"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<span class="finder-name"><a class="tag" href="[^"]+">([^<]+)</a>', results)


def counts(html: str) -> dict[str, int]:
    rows = re.findall(
        r'finder-name"><a class="tag" href="[^"]+">([^<]+)</a>.*?(\d+) works?</a>', html, re.S
    )
    return {name: int(count) for name, count in rows}


def test_name_contains_finds_tags_of_any_type(client: Client) -> None:
    canonical("Slow Burn"), fandom("Burning Skies"), canonical("Rain")
    assert found(search(client, name="burn")) == ["Burning Skies", "Slow Burn"]


def test_type_canonical_and_fandom_narrow_the_search(client: Client) -> None:
    show = fandom("Lighthouse (TV)")
    keeper = canonical("The Keeper", TagType.CHARACTER)
    gull = canonical("The Gull", TagType.CHARACTER)
    work_tagged(tag("the keeper", TagType.CHARACTER))
    ParentTagging.objects.create(parent=show, child=keeper)
    assert found(search(client, type="character")) == ["The Gull", "The Keeper", "the keeper"]
    assert found(search(client, type="character", canonical="no")) == ["the keeper"]
    assert found(search(client, type="character", canonical="yes")) == ["The Gull", "The Keeper"]
    assert found(search(client, fandom="lighthouse (tv)")) == ["The Keeper"]
    assert gull.pk  # (a canonical character of no fandom: found by type, not by fandom)


def test_counts_are_the_works_the_reader_may_see(client: Client) -> None:
    burn = canonical("Slow Burn")
    work_tagged(burn)
    work_tagged(synonym("slowburn", of=burn))
    work_tagged(burn, restricted=True)
    work_tagged(burn, draft=True)
    assert counts(search(client, name="burn")) == {"Slow Burn": 2, "slowburn": 2}
    client.force_login(UserFactory())
    assert counts(search(client, name="burn"))["Slow Burn"] == 3


def test_counts_leave_out_the_readers_exclusions_as_the_tag_page_does(client: Client) -> None:
    burn = canonical("Slow Burn")
    work_tagged(burn)
    work_tagged(burn, tag("Angst"))
    reader = UserFactory()
    ExclusionSet.objects.create(user=reader).tags.add(Tag.objects.get(name="Angst"))
    client.force_login(reader)
    assert counts(search(client, name="slow")) == {"Slow Burn": 1}
    tag_page = page_text(get_listing(client, f"/tags/{tag_to_url_part('Slow Burn')}/"))
    assert "(1)" in tag_page


def test_sort_by_works(client: Client) -> None:
    rain, burn, angst = canonical("Rain"), canonical("Slow Burn"), canonical("Angst")
    for _ in range(3):
        work_tagged(burn)
    work_tagged(rain)
    assert angst.pk
    assert found(search(client, type="freeform", sort="uses")) == ["Slow Burn", "Rain", "Angst"]
    assert found(search(client, type="freeform", sort="name")) == ["Angst", "Rain", "Slow Burn"]


def test_tags_only_on_drafts_or_hidden_works_are_not_found(client: Client) -> None:
    work_tagged(tag("secret plans"), draft=True)
    work_tagged(tag("hidden plans"), hidden=True)
    work_tagged(tag("open plans"))
    assert found(search(client, name="plans")) == ["open plans"]


def test_media_are_not_in_tag_search(client: Client) -> None:
    assert found(search(client, name="Shows")) == []
    assert "media" not in search(client).split('name="type"', 1)[1].split("</select>", 1)[0]


def test_results_are_paged_keeping_the_search(client: Client) -> None:
    for number in range(TAGS_PER_PAGE + 3):
        canonical(f"Rain {number:03d}")
    first = search(client, name="rain")
    assert len(found(first)) == TAGS_PER_PAGE
    assert 'href="?name=rain&page=2"' in first
    second = search(client, name="rain", page="2")
    assert found(second) == [f"Rain {n:03d}" for n in range(TAGS_PER_PAGE, TAGS_PER_PAGE + 3)]


def test_an_unknown_fandom_is_a_clear_400(client: Client) -> None:
    html = search(client, status=400, fandom="No Such Fandom")
    assert "There is no fandom named “No Such Fandom”." in html
    assert "tags found" not in html


def test_a_bad_type_or_sort_is_a_400(client: Client) -> None:
    assert "Select a valid choice" in search(client, status=400, type="spaceship")
    assert "Select a valid choice" in search(client, status=400, sort="random")


def test_tag_names_are_escaped(client: Client) -> None:
    work_tagged(tag("<script>alert(1)</script>"))
    html = get_listing(client, "/tags/search/?name=script").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
