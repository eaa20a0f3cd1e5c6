"""Tag pages: what each shows, to whom, and the 403s and 404s."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from ficshelf.search.models import ExclusionSet
from ficshelf.tags.models import Tag, TagType
from ficshelf.tags.naming import tag_to_url_part
from ficshelf.works.models import Series, SeriesWork
from tests.factories import UserFactory
from tests.helpers import get_listing, page_text
from tests.tags.factories import canonical, fandom, meta, synonym, tag, work_tagged, wrangler

pytestmark = pytest.mark.django_db


def url(name: str, suffix: str = "") -> str:
    return f"/tags/{tag_to_url_part(name)}/{suffix}"


def words(html: str) -> str:
    """The page's text without markup, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_canonical_tag_page_shows_its_name_type_and_status(client: Client) -> None:
    canonical("Slow Burn")
    html = page_text(client.get(url("Slow Burn")))
    assert "Slow Burn" in html and "Additional Tags" in html
    assert "It's a canonical tag" in html


def test_unwrangled_tag_page_says_it_is_not_marked_common(client: Client) -> None:
    work_tagged(tag("rain rain rain"))
    assert "has not been marked common yet" in page_text(client.get(url("rain rain rain")))


def test_tag_page_links_to_its_works_listing(client: Client) -> None:
    canonical("Slow Burn")
    html = client.get(url("Slow Burn")).content.decode()
    assert f'href="{url("Slow Burn", "works/")}"' in html


def test_synonym_page_names_its_canonical_and_links_the_canonicals_works(client: Client) -> None:
    burn = canonical("Slow Burn")
    work_tagged(synonym("slowburn", of=burn))
    response = client.get(url("slowburn"))
    html = page_text(response)
    assert "It is a synonym of" in html and f'href="{url("Slow Burn")}"' in html
    assert f'href="{url("Slow Burn", "works/")}"' in html


def test_canonical_page_lists_its_synonyms_meta_and_sub_tags(client: Client) -> None:
    burn, pining = canonical("Slow Burn"), canonical("Pining")
    work_tagged(synonym("slowburn", of=burn))
    meta(canonical("Very Slow Burn"), burn)
    meta(burn, pining)
    html = page_text(client.get(url("Slow Burn")))
    assert "Tags with the same meaning" in html and "slowburn" in html
    assert "Sub tags" in html and "Very Slow Burn" in html
    assert "Meta tags" in html and "Pining" in html


def test_fandom_page_lists_child_tags_by_type(client: Client) -> None:
    show = fandom("Lighthouse (TV)")
    keeper = canonical("The Keeper", TagType.CHARACTER)
    pairing = canonical("The Keeper/The Gull", TagType.RELATIONSHIP)
    for child in (keeper, pairing):
        child.parent_taggings.create(parent=show)
    html = page_text(client.get(url("Lighthouse (TV)")))
    assert "Child tags" in html
    assert html.index("Relationships") < html.index("The Keeper/The Gull")
    assert html.index("Characters") < html.index(">The Keeper<")


def test_character_page_lists_its_parent_fandom(client: Client) -> None:
    keeper = canonical("The Keeper", TagType.CHARACTER)
    keeper.parent_taggings.create(parent=fandom("Lighthouse (TV)"))
    html = page_text(client.get(url("The Keeper")))
    assert "Parent tags" in html and "Lighthouse (TV)" in html


def test_unknown_tag_is_404(client: Client) -> None:
    assert client.get(url("Nothing Here")).status_code == 404


def test_tag_only_on_a_draft_is_404_for_readers(client: Client) -> None:
    work_tagged(tag("Secret Plot Point"), draft=True)
    assert client.get(url("Secret Plot Point")).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url("Secret Plot Point")).status_code == 404


def test_tag_only_on_a_restricted_work_is_shown_to_signed_in_readers(client: Client) -> None:
    work_tagged(tag("Members Plot"), restricted=True)
    assert client.get(url("Members Plot")).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url("Members Plot")).status_code == 200


def test_wranglers_see_draft_only_tags(client: Client) -> None:
    work_tagged(tag("Secret Plot Point"), draft=True)
    client.force_login(wrangler())
    assert client.get(url("Secret Plot Point")).status_code == 200


def test_draft_only_synonyms_are_not_listed_for_readers(client: Client) -> None:
    burn = canonical("Slow Burn")
    work_tagged(synonym("secret slowburn", of=burn), draft=True)
    assert "secret slowburn" not in page_text(client.get(url("Slow Burn")))


def test_canonical_tag_on_no_work_is_shown(client: Client) -> None:
    canonical("Lonely Canonical")
    assert client.get(url("Lonely Canonical")).status_code == 200


@pytest.mark.parametrize(
    "name", ["F/M", "Dr. Who & Friends?", "#1 Fan", "100% Sure", "50%2F50", "a*s*b", "Café"]
)
def test_escaped_names_reach_their_page(client: Client, name: str) -> None:
    canonical(name)
    assert name in page_text(client.get(url(name)))


def test_fixed_tag_pages_use_ao3_escaping(client: Client) -> None:
    html = page_text(client.get("/tags/F*s*M/"))
    assert "fixed tags" in html


def test_autocomplete_is_not_taken_for_a_tag_name(client: Client) -> None:
    canonical("Slow Burn")
    client.force_login(UserFactory())
    response = client.get("/tags/autocomplete/", {"type": "freeform", "term": "slow"})
    assert response.json() == {"tags": ["Slow Burn"]}


def test_tags_on_a_work_page_link_to_their_tag_pages(client: Client) -> None:
    work = work_tagged(tag("Found Family"), fandom("Lighthouse (TV)"))
    html = client.get(work.get_absolute_url()).content.decode()
    assert f'<a class="tag" href="{url("Found Family")}">Found Family</a>' in html
    assert f'href="{url("Lighthouse (TV)")}"' in html
    assert f'href="{url("General Audiences")}"' in html


def test_tags_in_listings_link_to_their_tag_pages(client: Client) -> None:
    work = work_tagged(tag("Found Family"), fandom("Lighthouse (TV)"))
    series = Series.objects.create(title="Lamps")
    SeriesWork.objects.create(series=series, work=work, position=1)
    html = client.get(f"/series/{series.pk}/").content.decode()
    assert f'href="{url("Lighthouse (TV)")}"' in html


def test_wrangler_sees_links_to_wrangle(client: Client) -> None:
    fandom("Lighthouse (TV)")
    client.force_login(wrangler())
    html = page_text(client.get(url("Lighthouse (TV)")))
    assert f'href="{url("Lighthouse (TV)", "edit/")}"' in html
    assert f'href="{url("Lighthouse (TV)", "unwrangled/")}"' in html


def test_readers_see_no_wrangling_links(client: Client) -> None:
    fandom("Lighthouse (TV)")
    assert "/edit/" not in page_text(client.get(url("Lighthouse (TV)")))


# --- the fandoms index ------------------------------------------------------------------


def test_index_lists_fandoms_by_initial_with_work_counts(client: Client) -> None:
    show, other = fandom("Lighthouse (TV)"), fandom("Apple Orchard")
    work_tagged(show)
    work_tagged(show)
    work_tagged(synonym("lighthouse tv", of=show))
    text = words(page_text(get_listing(client, "/tags/")))
    assert "Apple Orchard (0)" in text and "Lighthouse (TV) (3)" in text
    assert text.index("A Apple Orchard") < text.index("L Lighthouse (TV)")
    assert other.name in text and "lighthouse tv" not in text


def test_index_counts_only_works_the_viewer_may_see(client: Client) -> None:
    show = fandom("Lighthouse (TV)")
    work_tagged(show)
    work_tagged(show, restricted=True)
    work_tagged(show, draft=True)
    assert "(1)" in page_text(get_listing(client, "/tags/"))
    client.force_login(UserFactory())
    assert "(2)" in page_text(get_listing(client, "/tags/"))


def test_index_counts_leave_out_the_readers_exclusions(client: Client) -> None:
    show = fandom("Lighthouse (TV)")
    work_tagged(show)
    work_tagged(show, tag("Angst"))
    reader = UserFactory()
    ExclusionSet.objects.create(user=reader).tags.add(Tag.objects.get(name="Angst"))
    client.force_login(reader)
    assert "Lighthouse (TV) (1)" in words(page_text(get_listing(client, "/tags/")))


def test_index_leaves_out_fandoms_only_on_drafts(client: Client) -> None:
    work_tagged(fandom("Secret Fandom", is_canonical=False), draft=True)
    work_tagged(fandom("Unwrangled Fandom", is_canonical=False))
    html = page_text(get_listing(client, "/tags/"))
    assert "Secret Fandom" not in html and "Unwrangled Fandom" in html


def test_fandom_tag_pages_show_the_visible_work_count(client: Client) -> None:
    show = fandom("Lighthouse (TV)")
    work_tagged(show)
    work_tagged(show, draft=True)
    assert "(1)" in page_text(get_listing(client, url("Lighthouse (TV)")))


def test_tag_page_count_leaves_out_the_readers_exclusions(client: Client) -> None:
    show = fandom("Lighthouse (TV)")
    work_tagged(show)
    hidden = work_tagged(show)
    reader = UserFactory()
    ExclusionSet.objects.create(user=reader).creators.add(
        *[c.pseud.user for c in hidden.creatorships.all()]
    )
    client.force_login(reader)
    assert "(1)" in page_text(get_listing(client, url("Lighthouse (TV)")))


def test_synonym_tag_objects_are_not_fixed() -> None:
    assert not Tag(type=TagType.FREEFORM).is_fixed and Tag(type=TagType.RATING).is_fixed


def test_long_child_lists_are_cut_with_a_count(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ficshelf.search.tag_pages.RELATED_TAGS_SHOWN", 2)
    show = fandom("Lighthouse (TV)")
    for n in range(5):
        canonical(f"Keeper {n}", TagType.CHARACTER).parent_taggings.create(parent=show)
    text = words(page_text(client.get(url("Lighthouse (TV)"))))
    assert "Keeper 1" in text and "Keeper 2" not in text and "and 3 more" in text
