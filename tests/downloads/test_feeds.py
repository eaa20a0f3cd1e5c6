"""Atom feeds per tag, creator and series: well-formed Atom 1.0, newest first, visibility."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from lxml import etree

from ficshelf.downloads.feeds import queries
from ficshelf.search.exclusions import Exclusions, save_exclusions_for_user
from ficshelf.search.service import SearchUnavailable
from ficshelf.tags.models import MetaTagging, Tag
from ficshelf.works.models import Series, SeriesWork, Work
from tests.factories import PseudFactory, TagFactory, UserFactory, WorkFactory
from tests.helpers import get_listing
from tests.social.factories import mute

pytestmark = pytest.mark.django_db

NS = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def fandom() -> Tag:
    # Canonical, as the tags with synonyms and sub tags are: always visible, even when all
    # its works are hidden from the reader.
    return TagFactory(name="Tidewatch (Invented Novels)", type="fandom", is_canonical=True)


def tagged(tag: Tag, **kwargs: object) -> Work:
    work = WorkFactory(**kwargs)
    work.tags.add(tag)
    return work


def fetch(client: Client, url: str) -> etree._Element:
    response = get_listing(client, url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/atom+xml")
    return etree.fromstring(response.content)


def entry_titles(feed: etree._Element) -> list[str]:
    return feed.xpath("a:entry/a:title/text()", namespaces=NS)


def tag_feed(client: Client, tag: Tag) -> etree._Element:
    return fetch(client, f"/tags/{tag.pk}/feed.atom")


def test_tag_feed_is_an_atom_feed_with_id_title_updated_and_self_link(
    client: Client, fandom: Tag
) -> None:
    tagged(fandom)
    feed = tag_feed(client, fandom)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.nsmap == {None: "http://www.w3.org/2005/Atom"}
    assert feed.findtext("a:id", namespaces=NS) == f"http://testserver/tags/{fandom.pk}/feed.atom"
    assert "Tidewatch (Invented Novels)" in feed.findtext("a:title", namespaces=NS)
    assert feed.findtext("a:updated", namespaces=NS) == "2024-05-01T00:00:00Z"
    assert feed.xpath("a:link[@rel='self']/@href", namespaces=NS) == [
        f"http://testserver/tags/{fandom.pk}/feed.atom"
    ]


def test_feed_entry_has_id_title_dates_author_and_link_to_the_work(
    client: Client, fandom: Tag
) -> None:
    work = tagged(
        fandom,
        title="Low Tide",
        published_on=datetime.date(2024, 1, 2),
        creator=PseudFactory(name="Wren", user__username="wren"),
    )
    entry = tag_feed(client, fandom).find("a:entry", NS)
    work_url = f"http://testserver/works/{work.pk}/"
    assert entry.findtext("a:id", namespaces=NS) == work_url
    assert entry.findtext("a:title", namespaces=NS) == "Low Tide"
    assert entry.findtext("a:updated", namespaces=NS) == "2024-05-01T00:00:00Z"
    assert entry.findtext("a:published", namespaces=NS) == "2024-01-02T00:00:00Z"
    assert entry.findtext("a:author/a:name", namespaces=NS) == "Wren"
    assert entry.findtext("a:author/a:uri", namespaces=NS) == "http://testserver/users/wren/"
    assert entry.xpath("a:link[@rel='alternate']/@href", namespaces=NS) == [work_url]


def test_feed_entry_lists_every_creator_as_an_author(client: Client, fandom: Tag) -> None:
    work = tagged(fandom, creator=PseudFactory(name="Wren", user__username="wren"))
    work.creatorships.create(pseud=PseudFactory(name="Ilse", user__username="ilse"), position=1)
    entry = tag_feed(client, fandom).find("a:entry", NS)
    assert entry.xpath("a:author/a:name/text()", namespaces=NS) == ["Wren", "Ilse"]


def test_feed_entry_carries_tags_as_categories(client: Client, fandom: Tag) -> None:
    work = tagged(fandom)
    work.tags.add(TagFactory(name="Lighthouses"))
    terms = tag_feed(client, fandom).xpath("a:entry/a:category/@term", namespaces=NS)
    assert set(terms) == {"Tidewatch (Invented Novels)", "Lighthouses", "General Audiences"}


def test_feed_summary_is_sanitized_html(client: Client, fandom: Tag) -> None:
    tagged(fandom, summary='<p>Ships <em>counted</em>.</p><script>alert("x")</script>')
    summary = tag_feed(client, fandom).find("a:entry/a:summary", NS)
    assert summary.get("type") == "html"
    assert summary.text == "<p>Ships <em>counted</em>.</p>"


def test_feed_lists_newest_updated_first(client: Client, fandom: Tag) -> None:
    tagged(fandom, title="Old", updated_on=datetime.date(2023, 1, 1))
    tagged(fandom, title="New", updated_on=datetime.date(2025, 1, 1))
    tagged(fandom, title="Middle", updated_on=datetime.date(2024, 1, 1))
    assert entry_titles(tag_feed(client, fandom)) == ["New", "Middle", "Old"]


def test_feed_holds_the_twenty_newest_works(client: Client, fandom: Tag) -> None:
    for day in range(1, 23):
        tagged(fandom, title=f"Day {day}", updated_on=datetime.date(2024, 1, day))
    titles = entry_titles(tag_feed(client, fandom))
    assert len(titles) == 20
    assert "Day 1" not in titles and "Day 2" not in titles


def test_tag_feed_includes_works_tagged_with_a_synonym(client: Client, fandom: Tag) -> None:
    synonym = TagFactory(name="Tidewatch", type="fandom", merger=fandom)
    tagged(synonym, title="By Another Name")
    assert entry_titles(tag_feed(client, fandom)) == ["By Another Name"]


def test_tag_feed_leaves_out_works_without_the_tag(client: Client, fandom: Tag) -> None:
    tagged(fandom, title="Tagged")
    WorkFactory(title="Untagged")
    assert entry_titles(tag_feed(client, fandom)) == ["Tagged"]


def test_guest_tag_feed_leaves_out_restricted_work(client: Client, fandom: Tag) -> None:
    tagged(fandom, title="Members Only", restricted=True)
    assert entry_titles(tag_feed(client, fandom)) == []


def test_signed_in_tag_feed_includes_restricted_work(client: Client, fandom: Tag) -> None:
    tagged(fandom, title="Members Only", restricted=True)
    client.force_login(UserFactory())
    assert entry_titles(tag_feed(client, fandom)) == ["Members Only"]


def test_signed_in_feed_is_private_for_caches(client: Client, fandom: Tag) -> None:
    tagged(fandom)
    client.force_login(UserFactory())
    assert "private" in get_listing(client, f"/tags/{fandom.pk}/feed.atom")["Cache-Control"]


def test_feed_leaves_out_drafts(client: Client, fandom: Tag) -> None:
    tagged(fandom, title="Draft", draft=True)
    assert entry_titles(tag_feed(client, fandom)) == []


def test_feed_leaves_out_drafts_even_for_their_creator(client: Client, fandom: Tag) -> None:
    creator = UserFactory()
    tagged(fandom, title="Draft", draft=True, creator=PseudFactory(user=creator))
    client.force_login(creator)
    assert entry_titles(tag_feed(client, fandom)) == []


def test_feed_leaves_out_hidden_works(client: Client, fandom: Tag) -> None:
    tagged(fandom, title="Hidden", hidden=True)
    assert entry_titles(tag_feed(client, fandom)) == []


def test_signed_in_feed_leaves_out_muted_creators(client: Client, fandom: Tag) -> None:
    reader, muted = UserFactory(), UserFactory()
    tagged(fandom, title="Muted", creator=PseudFactory(user=muted))
    tagged(fandom, title="Kept")
    mute(reader, muted)
    client.force_login(reader)
    assert entry_titles(tag_feed(client, fandom)) == ["Kept"]


def test_unknown_tag_feed_is_404(client: Client) -> None:
    assert client.get("/tags/999999/feed.atom").status_code == 404


def test_creator_feed_lists_only_their_works(client: Client) -> None:
    wren = UserFactory(username="wren")
    WorkFactory(title="Hers", creator=PseudFactory(user=wren))
    WorkFactory(title="Someone Else's")
    feed = fetch(client, "/users/wren/feed.atom")
    assert entry_titles(feed) == ["Hers"]


def test_creator_feed_links_to_the_profile(client: Client) -> None:
    UserFactory(username="wren")
    feed = fetch(client, "/users/wren/feed.atom")
    assert feed.xpath("a:link[@rel='alternate']/@href", namespaces=NS) == [
        "http://testserver/users/wren/"
    ]


def test_guest_creator_feed_leaves_out_restricted_work(client: Client) -> None:
    wren = UserFactory(username="wren")
    WorkFactory(title="Members Only", restricted=True, creator=PseudFactory(user=wren))
    assert entry_titles(fetch(client, "/users/wren/feed.atom")) == []


def test_unknown_creator_feed_is_404(client: Client) -> None:
    assert client.get("/users/nobody/feed.atom").status_code == 404


@pytest.fixture
def series() -> Series:
    return Series.objects.create(title="Coastal Lights")


def in_series(series: Series, position: int, **kwargs: object) -> Work:
    work = WorkFactory(**kwargs)
    SeriesWork.objects.create(series=series, work=work, position=position)
    return work


def test_series_feed_lists_the_series_works(client: Client, series: Series) -> None:
    in_series(series, 1, title="Part One")
    WorkFactory(title="Elsewhere")
    feed = fetch(client, f"/series/{series.pk}/feed.atom")
    assert entry_titles(feed) == ["Part One"]
    assert "Coastal Lights" in feed.findtext("a:title", namespaces=NS)


def test_guest_series_feed_leaves_out_restricted_work(client: Client, series: Series) -> None:
    in_series(series, 1, title="Public")
    in_series(series, 2, title="Members Only", restricted=True)
    assert entry_titles(fetch(client, f"/series/{series.pk}/feed.atom")) == ["Public"]


def test_series_of_only_restricted_works_is_404_for_guests(client: Client, series: Series) -> None:
    in_series(series, 1, restricted=True)
    assert client.get(f"/series/{series.pk}/feed.atom").status_code == 404


def test_feed_refuses_post(client: Client, fandom: Tag) -> None:
    assert client.post(f"/tags/{fandom.pk}/feed.atom").status_code == 405


# --- Through find_works: saved exclusions, synonyms, meta tags, pages ------------------------


def save_exclusions(client: Client, **fields: str) -> None:
    """Saved exclusions as the reader saves them: in the session for guests."""
    data = {"tags": "", "creators": "", "max_fandoms": "", "max_relationships": "", **fields}
    assert client.post("/exclusions/", data, follow=True).status_code == 200


def test_guests_saved_exclusion_removes_a_work_from_a_tag_feed(client: Client, fandom: Tag) -> None:
    tagged(fandom, title="Sad").tags.add(TagFactory(name="Angst"))
    tagged(fandom, title="Happy")
    save_exclusions(client, tags="Angst")
    assert entry_titles(tag_feed(client, fandom)) == ["Happy"]
    assert sorted(entry_titles(tag_feed(Client(), fandom))) == ["Happy", "Sad"]


def test_feed_with_a_guests_exclusions_is_private_for_caches(client: Client, fandom: Tag) -> None:
    tagged(fandom).tags.add(TagFactory(name="Angst"))
    save_exclusions(client, tags="Angst")
    assert "private" in get_listing(client, f"/tags/{fandom.pk}/feed.atom")["Cache-Control"]


def test_members_saved_exclusion_removes_a_work_from_a_creator_feed(client: Client) -> None:
    wren, reader = UserFactory(username="wren"), UserFactory()
    pseud = PseudFactory(user=wren)
    WorkFactory(title="Sad", creator=pseud).tags.add(TagFactory(name="Angst"))
    WorkFactory(title="Happy", creator=pseud)
    save_exclusions_for_user(reader, Exclusions(tags=(Tag.objects.get(name="Angst"),)))
    client.force_login(reader)
    assert entry_titles(fetch(client, "/users/wren/feed.atom")) == ["Happy"]


def test_excluded_creator_is_left_out_of_a_series_feed(client: Client, series: Series) -> None:
    in_series(series, 1, title="Kept")
    in_series(series, 2, title="Theirs", creator=PseudFactory(user=UserFactory(username="ilse")))
    save_exclusions(client, creators="ilse")
    assert entry_titles(fetch(client, f"/series/{series.pk}/feed.atom")) == ["Kept"]


def test_synonyms_feed_lists_the_works_of_its_canonical(client: Client, fandom: Tag) -> None:
    synonym = TagFactory(name="Tidewatch", type="fandom", merger=fandom)
    other_synonym = TagFactory(name="TW", type="fandom", merger=fandom)
    tagged(fandom, title="Canonical", updated_on=datetime.date(2024, 6, 1))
    tagged(synonym, title="Synonym", updated_on=datetime.date(2024, 7, 1))
    tagged(other_synonym, title="Other Synonym")
    assert entry_titles(tag_feed(client, synonym)) == ["Synonym", "Canonical", "Other Synonym"]


def test_meta_tags_feed_lists_its_sub_tags_works(client: Client) -> None:
    meta = TagFactory(name="Alternate Universe", is_canonical=True)
    sub = TagFactory(name="Alternate Universe - Coffee Shops", is_canonical=True)
    MetaTagging.objects.create(meta_tag=meta, sub_tag=sub)
    tagged(sub, title="Coffee")
    WorkFactory(title="Elsewhere")
    assert entry_titles(tag_feed(client, meta)) == ["Coffee"]


def test_feed_of_a_tag_only_on_a_draft_is_404(client: Client) -> None:
    secret = TagFactory(name="Spoiler Character", type="character")
    tagged(secret, draft=True)
    assert get_listing(client, f"/tags/{secret.pk}/feed.atom").status_code == 404


def test_feed_leaves_out_a_work_without_a_posted_chapter(client: Client, fandom: Tag) -> None:
    unready = tagged(fandom, title="Unready")
    unready.chapters.update(is_posted=False)
    tagged(fandom, title="Ready")
    assert entry_titles(tag_feed(client, fandom)) == ["Ready"]


def test_feed_pages_go_back_in_time(client: Client, fandom: Tag) -> None:
    for day in range(1, 23):
        tagged(fandom, title=f"Day {day}", updated_on=datetime.date(2024, 1, day))
    older = fetch(client, f"/tags/{fandom.pk}/feed.atom?page=2")
    assert entry_titles(older) == ["Day 2", "Day 1"]
    assert client.get(f"/tags/{fandom.pk}/feed.atom?page=x").status_code == 404


def test_feed_is_503_when_search_is_unavailable(
    client: Client, fandom: Tag, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(*args: object, **kwargs: object) -> None:
        raise SearchUnavailable("down")

    monkeypatch.setattr(queries, "find_works", unavailable)
    response = client.get(f"/tags/{fandom.pk}/feed.atom")
    assert response.status_code == 503
