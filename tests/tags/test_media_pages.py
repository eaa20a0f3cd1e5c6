"""Fandoms by media (AO3's /media): the media made by the migration, each medium's fandoms
with the counts their listings show the reader, and fandoms filed nowhere under
Uncategorized Fandoms."""

from __future__ import annotations

import importlib
import re

import pytest
from django.test import Client

from ficshelf.search import tag_counts
from ficshelf.search.service import SearchUnavailable
from ficshelf.tags.models import MEDIA, ParentTagging, Tag, TagType
from ficshelf.tags.naming import tag_to_url_part
from ficshelf.works.actions import tags_named
from tests.factories import UserFactory
from tests.helpers import get_listing, page_text
from tests.tags.factories import fandom, synonym, tag, work_tagged

pytestmark = pytest.mark.django_db


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def media_url(name: str) -> str:
    return f"/media/{tag_to_url_part(name)}/fandoms/"


def filed(fandom_tag: Tag, medium: str) -> Tag:
    ParentTagging.objects.create(parent=Tag.objects.get(name=medium), child=fandom_tag)
    return fandom_tag


def test_the_migration_made_ao3s_media_canonical() -> None:
    media = Tag.objects.filter(type=TagType.MEDIA)
    assert sorted(media.values_list("name", flat=True)) == sorted(MEDIA)
    assert all(medium.is_canonical and medium.is_fixed for medium in media)


def test_media_index_lists_every_medium_in_ao3s_order_with_fandom_counts(client: Client) -> None:
    filed(fandom("Lighthouse (TV)"), "TV Shows")
    filed(fandom("Harbour Lights"), "TV Shows")
    text = words(page_text(get_listing(client, "/media/")))
    positions = [text.index(name) for name in MEDIA]
    assert positions == sorted(positions)
    assert "TV Shows (2 fandoms)" in text and "Movies (0 fandoms)" in text


def test_media_index_names_the_biggest_fandoms_with_visible_counts(client: Client) -> None:
    show, small = filed(fandom("Lighthouse (TV)"), "TV Shows"), filed(fandom("Quiet"), "TV Shows")
    for _ in range(3):
        work_tagged(show)
    work_tagged(show, draft=True)
    work_tagged(small)
    text = words(page_text(get_listing(client, "/media/")))
    assert text.index("Lighthouse (TV) (3)") < text.index("Quiet (1)")


def test_a_mediums_page_lists_its_fandoms_alphabetically_with_counts(client: Client) -> None:
    show = filed(fandom("Lighthouse (TV)"), "TV Shows")
    filed(fandom("Apple Orchard"), "TV Shows")
    filed(fandom("Sea Stories"), "Books & Literature")
    work_tagged(show)
    work_tagged(synonym("lighthouse tv", of=show))
    work_tagged(show, restricted=True)
    text = words(page_text(get_listing(client, media_url("TV Shows"))))
    assert "Apple Orchard (0)" in text and "Lighthouse (TV) (2)" in text
    assert text.index("Apple Orchard") < text.index("Lighthouse (TV)")
    assert "Sea Stories" not in text and "lighthouse tv" not in text
    client.force_login(UserFactory())
    assert "Lighthouse (TV) (3)" in words(page_text(get_listing(client, media_url("TV Shows"))))


def test_a_fandom_in_two_media_shows_under_both(client: Client) -> None:
    filed(filed(fandom("Lighthouse"), "TV Shows"), "Books & Literature")
    assert "Lighthouse" in page_text(get_listing(client, media_url("TV Shows")))
    assert "Lighthouse" in page_text(get_listing(client, media_url("Books & Literature")))


def test_unfiled_fandoms_show_under_uncategorized(client: Client) -> None:
    filed(fandom("Lighthouse (TV)"), "TV Shows")
    fandom("Nowhere Yet")
    html = page_text(get_listing(client, media_url("Uncategorized Fandoms")))
    assert "Nowhere Yet" in html and "Lighthouse (TV)" not in html


def test_fandoms_only_on_drafts_stay_off_the_media_pages(client: Client) -> None:
    work_tagged(fandom("Secret Fandom", is_canonical=False), draft=True)
    work_tagged(fandom("Open Fandom", is_canonical=False))
    html = page_text(get_listing(client, media_url("Uncategorized Fandoms")))
    assert "Secret Fandom" not in html and "Open Fandom" in html


def test_media_urls_use_ao3s_escaping(client: Client) -> None:
    filed(fandom("Moon Comics"), "Cartoons & Comics & Graphic Novels")
    response = get_listing(
        client, "/media/Cartoons%20*a*%20Comics%20*a*%20Graphic%20Novels/fandoms/"
    )
    assert "Moon Comics" in page_text(response)


def test_an_unknown_medium_is_404(client: Client) -> None:
    fandom("Lighthouse (TV)")
    assert client.get(media_url("Lighthouse (TV)")).status_code == 404
    assert client.get(media_url("Podcasts")).status_code == 404


def test_a_mediums_tag_page_leads_to_its_fandoms(client: Client) -> None:
    response = client.get(f"/tags/{tag_to_url_part('TV Shows')}/")
    assert response.status_code == 302 and response["Location"] == media_url("TV Shows")


def test_a_fandom_page_names_its_media(client: Client) -> None:
    filed(fandom("Lighthouse (TV)"), "TV Shows")
    html = page_text(client.get(f"/tags/{tag_to_url_part('Lighthouse (TV)')}/"))
    assert f'href="/tags/{tag_to_url_part("TV Shows")}/"' in html


def test_a_mediums_name_is_never_a_works_tag() -> None:
    """Writers and imports that type "TV Shows" get no medium on their work."""
    got = tags_named([(TagType.FREEFORM, ["TV Shows", "Rain"]), (TagType.FANDOM, ["Movies"])])
    assert [tag.name for tag in got] == ["Rain"]
    assert Tag.objects.get(name="TV Shows").type == TagType.MEDIA


def test_the_header_links_to_media_tags_and_people(client: Client) -> None:
    html = page_text(client.get("/media/"))
    for href in ('href="/media/"', 'href="/tags/search/"', 'href="/people/search/"'):
        assert href in html


def test_media_are_suggested_on_the_wrangling_form(client: Client) -> None:
    client.force_login(UserFactory())
    response = client.get("/tags/autocomplete/", {"type": "media", "term": "lit"})
    assert response.json() == {"tags": ["Books & Literature"]}


@pytest.mark.parametrize("page_url", ["/media/", "/media/TV%20Shows/fandoms/", "/tags/search/"])
def test_pages_counting_tags_say_so_when_search_is_away(
    client: Client, monkeypatch: pytest.MonkeyPatch, page_url: str
) -> None:
    def away(*args: object, **kwargs: object) -> None:
        raise SearchUnavailable("the index is being rebuilt")

    monkeypatch.setattr(tag_counts, "find_works", away)
    response = client.get(page_url)
    assert response.status_code == 503 and "Search is unavailable" in response.content.decode()


def test_the_migration_keeps_a_tag_on_works_that_has_a_mediums_name() -> None:
    """On an archive that had "Movies" as a writer's tag on works, the migration leaves it
    as it is; an unused tag of a medium's name becomes the medium."""
    from django.apps import apps

    create_media = importlib.import_module("ficshelf.tags.migrations.0006_media").create_media
    Tag.objects.filter(name__in=["Movies", "Theater"]).delete()
    work_tagged(tag("Movies"))
    tag("Theater", TagType.FANDOM)
    create_media(apps, None)
    assert Tag.objects.get(name="Movies").type == TagType.FREEFORM
    theater = Tag.objects.get(name="Theater")
    assert theater.type == TagType.MEDIA and theater.is_canonical
    assert Tag.objects.filter(type=TagType.MEDIA).count() == len(MEDIA) - 1
