"""The OPDS 1.2 catalog: navigation and acquisition feeds, search, pagination, visibility."""

from __future__ import annotations

import datetime

import lxml.html
import pytest
from django.template.loader import render_to_string
from django.test import Client
from lxml import etree

from ficshelf.search.exclusions import Exclusions, save_exclusions_for_user
from ficshelf.tags.models import MetaTagging, Tag
from ficshelf.works.models import Series, SeriesWork, Work
from tests.factories import PseudFactory, TagFactory, UserFactory, WorkFactory, language
from tests.helpers import get_listing
from tests.social.factories import ReadingFactory, ReadingListFactory, mute

pytestmark = pytest.mark.django_db

NS = {
    "a": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/terms/",
    "os": "http://a9.com/-/spec/opensearch/1.1/",
}
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
ACQUIRE = "http://opds-spec.org/acquisition"


def fetch(client: Client, url: str, kind: str = ACQUISITION) -> etree._Element:
    response = get_listing(client, url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == kind
    feed = etree.fromstring(response.content)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    for required in ("a:id", "a:title", "a:updated"):
        assert feed.findtext(required, namespaces=NS), required
    return feed


def entry_titles(feed: etree._Element) -> list[str]:
    return feed.xpath("a:entry/a:title/text()", namespaces=NS)


def root_entry_links(feed: etree._Element) -> dict[str, etree._Element]:
    return {
        entry.findtext("a:title", namespaces=NS): entry.find("a:link", NS)
        for entry in feed.findall("a:entry", NS)
    }


def test_root_is_a_navigation_feed_with_the_opds_profile(client: Client) -> None:
    fetch(client, "/opds/", NAVIGATION)


def test_root_links_to_itself_as_start_and_to_search(client: Client) -> None:
    feed = fetch(client, "/opds/", NAVIGATION)
    start = feed.find("a:link[@rel='start']", NS)
    assert start.get("href") == "http://testserver/opds/"
    assert start.get("type") == NAVIGATION
    search = feed.find("a:link[@rel='search']", NS)
    assert search.get("href") == "http://testserver/opds/search.xml"
    assert search.get("type") == "application/opensearchdescription+xml"


def test_root_entries_each_have_id_updated_and_a_link_with_a_kind(client: Client) -> None:
    feed = fetch(client, "/opds/", NAVIGATION)
    entries = feed.findall("a:entry", NS)
    assert entries
    for entry in entries:
        assert entry.findtext("a:id", namespaces=NS)
        assert entry.findtext("a:updated", namespaces=NS)
        link = entry.find("a:link", NS)
        assert link.get("type") in (NAVIGATION, ACQUISITION)


def test_root_offers_new_works_tags_and_series_to_guests(client: Client) -> None:
    links = root_entry_links(fetch(client, "/opds/", NAVIGATION))
    sign_in = "Your Marked for Later and reading lists"  # answers 401: the app asks for a key
    assert list(links) == ["New works", "By tag", "Series", sign_in]
    assert links["New works"].get("rel") == "http://opds-spec.org/sort/new"
    assert links["New works"].get("type") == ACQUISITION
    assert links["By tag"].get("type") == NAVIGATION


def test_root_offers_marked_for_later_and_reading_lists_to_signed_in_reader(
    client: Client,
) -> None:
    reader = UserFactory()
    reading_list = ReadingListFactory(owner=reader, name="Beach reads")
    ReadingListFactory(name="Someone else's")
    client.force_login(reader)
    links = root_entry_links(fetch(client, "/opds/", NAVIGATION))
    assert list(links)[3:] == ["Marked for Later", "Beach reads"]
    assert links["Beach reads"].get("href") == f"http://testserver/opds/lists/{reading_list.pk}/"


def test_new_works_entry_has_an_epub_acquisition_link(client: Client) -> None:
    work = WorkFactory(title="Low Tide")
    acquire = fetch(client, "/opds/new/").find(f"a:entry/a:link[@rel='{ACQUIRE}']", NS)
    assert acquire.get("type") == "application/epub+zip"
    assert acquire.get("href") == f"http://testserver/downloads/{work.pk}/Low_Tide.epub"


def test_acquisition_link_downloads_the_epub(client: Client) -> None:
    WorkFactory()
    href = fetch(client, "/opds/new/").xpath(
        f"a:entry/a:link[@rel='{ACQUIRE}']/@href", namespaces=NS
    )[0]
    response = client.get(href)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/epub+zip"


def test_acquisition_entry_has_id_title_updated_and_alternate_link(client: Client) -> None:
    work = WorkFactory(title="Low Tide")
    entry = fetch(client, "/opds/new/").find("a:entry", NS)
    assert entry.findtext("a:id", namespaces=NS) == f"http://testserver/works/{work.pk}/"
    assert entry.findtext("a:title", namespaces=NS) == "Low Tide"
    assert entry.findtext("a:updated", namespaces=NS) == "2024-05-01T00:00:00Z"
    alternate = entry.find("a:link[@rel='alternate']", NS)
    assert alternate.get("type") == "text/html"


def test_acquisition_entry_has_language_author_categories_and_summary(client: Client) -> None:
    work = WorkFactory(
        summary="<p>A keeper <em>counts</em> ships.</p>",
        language=language("en"),
        creator=PseudFactory(name="Wren", user__username="wren"),
    )
    work.tags.add(TagFactory(name="Lighthouses"))
    entry = fetch(client, "/opds/new/").find("a:entry", NS)
    assert entry.findtext("dc:language", namespaces=NS) == "en"
    assert entry.findtext("a:author/a:name", namespaces=NS) == "Wren"
    assert set(entry.xpath("a:category/@term", namespaces=NS)) == {
        "Lighthouses",
        "General Audiences",
    }
    assert entry.findtext("a:summary", namespaces=NS) == "A keeper counts ships."
    assert entry.find("a:content", NS).get("type") == "html"


def test_new_works_are_newest_updated_first(client: Client) -> None:
    WorkFactory(title="Old", updated_on=datetime.date(2023, 1, 1))
    WorkFactory(title="New", updated_on=datetime.date(2025, 1, 1))
    assert entry_titles(fetch(client, "/opds/new/")) == ["New", "Old"]


def test_guest_catalog_leaves_out_restricted_work(client: Client) -> None:
    WorkFactory(title="Members Only", restricted=True)
    assert entry_titles(fetch(client, "/opds/new/")) == []


def test_signed_in_catalog_includes_restricted_work(client: Client) -> None:
    WorkFactory(title="Members Only", restricted=True)
    client.force_login(UserFactory())
    assert entry_titles(fetch(client, "/opds/new/")) == ["Members Only"]


def test_catalog_leaves_out_drafts(client: Client) -> None:
    WorkFactory(title="Draft", draft=True)
    assert entry_titles(fetch(client, "/opds/new/")) == []


def test_catalog_leaves_out_hidden_works(client: Client) -> None:
    WorkFactory(title="Hidden", hidden=True)
    assert entry_titles(fetch(client, "/opds/new/")) == []


def test_full_page_has_a_next_link_to_the_rest(client: Client) -> None:
    for day in range(1, 23):
        WorkFactory(title=f"Day {day}", updated_on=datetime.date(2024, 1, day))
    first = fetch(client, "/opds/new/")
    assert len(first.findall("a:entry", NS)) == 20
    next_link = first.find("a:link[@rel='next']", NS)
    assert next_link.get("type") == ACQUISITION
    second = fetch(client, next_link.get("href"))
    assert entry_titles(second) == ["Day 2", "Day 1"]
    assert second.find("a:link[@rel='next']", NS) is None
    assert second.find("a:link[@rel='previous']", NS) is not None


def test_page_past_the_last_is_404(client: Client) -> None:
    WorkFactory()
    assert get_listing(client, "/opds/new/?page=2").status_code == 404


def test_page_that_is_not_a_number_is_404(client: Client) -> None:
    assert client.get("/opds/new/?page=abc").status_code == 404


def test_fandoms_are_listed_by_number_of_visible_works(client: Client) -> None:
    small, big = TagFactory(name="Small", type="fandom"), TagFactory(name="Big", type="fandom")
    for tag, count in ((small, 1), (big, 2)):
        for _ in range(count):
            WorkFactory().tags.add(tag)
    hidden = TagFactory(name="Only Restricted", type="fandom")
    WorkFactory(restricted=True).tags.add(hidden)
    feed = fetch(client, "/opds/fandoms/", NAVIGATION)
    assert entry_titles(feed) == ["Big", "Small"]


def test_fandom_entry_leads_to_its_acquisition_feed(client: Client) -> None:
    fandom = TagFactory(name="Tidewatch", type="fandom")
    WorkFactory(title="Tagged").tags.add(fandom)
    WorkFactory(title="Untagged")
    link = fetch(client, "/opds/fandoms/", NAVIGATION).find("a:entry/a:link", NS)
    assert link.get("type") == ACQUISITION
    assert entry_titles(fetch(client, link.get("href"))) == ["Tagged"]


def test_series_index_leads_to_the_series_works(client: Client) -> None:
    series = Series.objects.create(title="Coastal Lights")
    SeriesWork.objects.create(series=series, work=WorkFactory(title="Part One"))
    feed = fetch(client, "/opds/series/", NAVIGATION)
    assert entry_titles(feed) == ["Coastal Lights"]
    href = feed.find("a:entry/a:link", NS).get("href")
    assert entry_titles(fetch(client, href)) == ["Part One"]


def test_series_index_leaves_out_series_guests_cannot_see(client: Client) -> None:
    series = Series.objects.create(title="Members Only")
    SeriesWork.objects.create(series=series, work=WorkFactory(restricted=True))
    assert entry_titles(fetch(client, "/opds/series/", NAVIGATION)) == []


def test_marked_for_later_lists_the_readers_marked_works(client: Client) -> None:
    reader = UserFactory()
    ReadingFactory(user=reader, work=WorkFactory(title="Later"), is_marked_for_later=True)
    ReadingFactory(user=reader, work=WorkFactory(title="Read"))
    client.force_login(reader)
    assert entry_titles(fetch(client, "/opds/later/")) == ["Later"]


def test_marked_for_later_asks_guests_to_sign_in(client: Client) -> None:
    response = client.get("/opds/later/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic ")


def test_reading_list_feed_lists_its_works(client: Client) -> None:
    reader = UserFactory()
    reading_list = ReadingListFactory(owner=reader)
    reading_list.items.create(work=WorkFactory(title="Listed"))
    WorkFactory(title="Not listed")
    client.force_login(reader)
    assert entry_titles(fetch(client, f"/opds/lists/{reading_list.pk}/")) == ["Listed"]


def test_private_reading_list_is_404_for_others(client: Client) -> None:
    reading_list = ReadingListFactory()
    client.force_login(UserFactory())
    assert client.get(f"/opds/lists/{reading_list.pk}/").status_code == 404


def test_search_description_is_opensearch_with_a_search_terms_template(client: Client) -> None:
    response = client.get("/opds/search.xml")
    assert response["Content-Type"] == "application/opensearchdescription+xml"
    description = etree.fromstring(response.content)
    assert description.tag == "{http://a9.com/-/spec/opensearch/1.1/}OpenSearchDescription"
    url = description.find(f"os:Url[@type='{ACQUISITION}']", NS)
    assert url.get("template") == "http://testserver/opds/search/?q={searchTerms}&page={startPage?}"


def search(client: Client, query: str) -> list[str]:
    return entry_titles(fetch(client, f"/opds/search/?q={query}"))


def test_search_matches_titles(client: Client) -> None:
    WorkFactory(title="The Lighthouse Keeper")
    WorkFactory(title="Something Else")
    assert search(client, "lighthouse") == ["The Lighthouse Keeper"]


def test_search_matches_summaries(client: Client) -> None:
    WorkFactory(title="Found", summary="<p>A keeper counts ships.</p>")
    WorkFactory(title="Missed")
    assert search(client, "SHIPS") == ["Found"]


def test_search_matches_tag_names(client: Client) -> None:
    WorkFactory(title="Found").tags.add(TagFactory(name="Lighthouses"))
    WorkFactory(title="Missed")
    assert search(client, "lighthouse") == ["Found"]


def test_search_filters_by_a_fandom_typed_as_in_the_search_box(client: Client) -> None:
    WorkFactory(title="Found").tags.add(TagFactory(name="Lighthouses", type="fandom"))
    WorkFactory(title="Missed").tags.add(TagFactory(name="Harbours", type="fandom"))
    assert search(client, "fandom:lighthouses") == ["Found"]


def test_search_says_what_it_left_out(client: Client) -> None:
    feed = fetch(client, "/opds/search/?q=words>abc")
    assert "“words>abc” was left out" in (feed.findtext("a:subtitle", namespaces=NS) or "")


def test_search_counts_results_for_opensearch(client: Client) -> None:
    WorkFactory(title="Lighthouse One")
    WorkFactory(title="Lighthouse Two")
    feed = fetch(client, "/opds/search/?q=lighthouse")
    assert feed.findtext("os:totalResults", namespaces=NS) == "2"


def test_search_leaves_out_restricted_works_for_guests(client: Client) -> None:
    WorkFactory(title="Lighthouse", restricted=True)
    assert search(client, "lighthouse") == []


def test_empty_search_finds_nothing(client: Client) -> None:
    WorkFactory()
    assert search(client, "") == []


def test_unknown_tag_catalog_is_404(client: Client) -> None:
    assert client.get("/opds/tags/999999/").status_code == 404


def test_head_links_advertise_the_catalog() -> None:
    html = render_to_string("downloads/feeds/_head_links.html")
    links = lxml.html.fragments_fromstring(html.strip())
    advertised = {link.get("type"): link.get("href") for link in links}
    assert all(link.get("rel") == "alternate" for link in links)
    assert advertised == {
        "application/atom+xml;profile=opds-catalog": "/opds/",
        "application/opds+json": "/opds/v2/",
    }


def test_every_page_advertises_the_opds_catalog(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/").content.decode()
    assert 'type="application/atom+xml;profile=opds-catalog"' in html
    assert 'href="/opds/"' in html


# --- Through find_works: saved exclusions, mutes, synonyms, search, counts, pages ------------


def save_exclusions(client: Client, **fields: str) -> None:
    """Saved exclusions as the reader saves them: in the session for guests."""
    data = {"tags": "", "creators": "", "max_fandoms": "", "max_relationships": "", **fields}
    assert client.post("/exclusions/", data, follow=True).status_code == 200


def test_guests_saved_exclusion_removes_a_work_from_new_works(client: Client) -> None:
    WorkFactory(title="Sad").tags.add(TagFactory(name="Angst"))
    WorkFactory(title="Happy")
    save_exclusions(client, tags="Angst")
    assert entry_titles(fetch(client, "/opds/new/")) == ["Happy"]


def test_members_saved_exclusion_removes_a_work_from_new_works(client: Client) -> None:
    reader = UserFactory()
    WorkFactory(title="Sad").tags.add(TagFactory(name="Angst"))
    WorkFactory(title="Happy")
    save_exclusions_for_user(reader, Exclusions(tags=(Tag.objects.get(name="Angst"),)))
    client.force_login(reader)
    assert entry_titles(fetch(client, "/opds/new/")) == ["Happy"]


def test_muted_creators_work_is_left_out_of_new_works_and_search(client: Client) -> None:
    reader, muted = UserFactory(), UserFactory()
    WorkFactory(title="Lighthouse Muted", creator=PseudFactory(user=muted))
    WorkFactory(title="Lighthouse Kept")
    mute(reader, muted)
    client.force_login(reader)
    assert entry_titles(fetch(client, "/opds/new/")) == ["Lighthouse Kept"]
    assert search(client, "lighthouse") == ["Lighthouse Kept"]


def test_marked_for_later_keeps_works_the_reader_excluded(client: Client) -> None:
    reader = UserFactory()
    marked = WorkFactory(title="Sad")
    marked.tags.add(TagFactory(name="Angst"))
    ReadingFactory(user=reader, work=marked, is_marked_for_later=True)
    save_exclusions_for_user(reader, Exclusions(tags=(Tag.objects.get(name="Angst"),)))
    client.force_login(reader)
    assert entry_titles(fetch(client, "/opds/later/")) == ["Sad"]


def test_synonyms_catalog_lists_the_works_of_its_canonical(client: Client) -> None:
    canonical = TagFactory(name="Tidewatch (Invented Novels)", type="fandom", is_canonical=True)
    synonym = TagFactory(name="Tidewatch", type="fandom", merger=canonical)
    WorkFactory(title="Canonical", updated_on=datetime.date(2024, 6, 1)).tags.add(canonical)
    WorkFactory(title="Synonym").tags.add(synonym)
    assert entry_titles(fetch(client, f"/opds/tags/{synonym.pk}/")) == ["Canonical", "Synonym"]


def test_meta_tags_catalog_lists_its_sub_tags_works(client: Client) -> None:
    meta = TagFactory(name="Alternate Universe", is_canonical=True)
    sub = TagFactory(name="Alternate Universe - Coffee Shops", is_canonical=True)
    MetaTagging.objects.create(meta_tag=meta, sub_tag=sub)
    WorkFactory(title="Coffee").tags.add(sub)
    assert entry_titles(fetch(client, f"/opds/tags/{meta.pk}/")) == ["Coffee"]


def with_text(work: Work, text: str) -> Work:
    chapter = work.chapters.get()
    chapter.text = text
    chapter.save()
    return work


def test_search_finds_a_phrase_in_the_chapter_text(client: Client) -> None:
    with_text(WorkFactory(title="Found"), "<p>She lit the brass lantern at dusk.</p>")
    with_text(WorkFactory(title="Apart"), "<p>The lantern was brass, and old.</p>")
    assert search(client, '"brass lantern"') == ["Found"]
    assert sorted(search(client, "brass lantern")) == ["Apart", "Found"]


def test_search_reads_the_query_language(client: Client) -> None:
    WorkFactory(title="Lighthouse Long", word_count=5000)
    WorkFactory(title="Lighthouse Short", word_count=100)
    WorkFactory(title="Harbour Long", word_count=5000)
    assert search(client, "title:lighthouse words>1000") == ["Lighthouse Long"]
    assert search(client, "lighthouse NOT short") == ["Lighthouse Long"]


def test_search_pages_count_from_the_total(client: Client) -> None:
    for day in range(1, 23):
        WorkFactory(title=f"Lighthouse {day}", updated_on=datetime.date(2024, 1, day))
    first = fetch(client, "/opds/search/?q=lighthouse")
    assert first.findtext("os:totalResults", namespaces=NS) == "22"
    assert first.findtext("os:startIndex", namespaces=NS) == "1"
    assert first.find("a:link[@rel='previous']", NS) is None
    last = first.find("a:link[@rel='last']", NS).get("href")
    assert last == "http://testserver/opds/search/?q=lighthouse&page=2"
    second = fetch(client, first.find("a:link[@rel='next']", NS).get("href"))
    assert entry_titles(second) == ["Lighthouse 2", "Lighthouse 1"]
    assert second.findtext("os:startIndex", namespaces=NS) == "21"
    assert second.find("a:link[@rel='first']", NS).get("href").endswith("page=1")
    assert second.find("a:link[@rel='previous']", NS).get("href").endswith("page=1")
    assert second.find("a:link[@rel='next']", NS) is None
    assert get_listing(client, "/opds/search/?q=lighthouse&page=3").status_code == 404


def fandom_counts(client: Client, url: str = "/opds/fandoms/") -> dict[str, str]:
    feed = fetch(client, url, NAVIGATION)
    return {
        entry.findtext("a:title", namespaces=NS): entry.findtext("a:content", namespaces=NS)
        for entry in feed.findall("a:entry", NS)
    }


def test_fandom_counts_leave_out_excluded_works(client: Client) -> None:
    tidewatch = TagFactory(name="Tidewatch", type="fandom", is_canonical=True)
    harbour = TagFactory(name="Harbour Lights", type="fandom", is_canonical=True)
    angst = TagFactory(name="Angst")
    WorkFactory().tags.add(tidewatch)
    WorkFactory().tags.add(tidewatch, angst)
    WorkFactory().tags.add(harbour, angst)
    assert fandom_counts(client) == {"Tidewatch": "2 works", "Harbour Lights": "1 works"}
    save_exclusions(client, tags="Angst")
    assert fandom_counts(client) == {"Tidewatch": "1 works"}


def test_fandom_counts_leave_out_muted_creators_works(client: Client) -> None:
    reader, muted = UserFactory(), UserFactory()
    tidewatch = TagFactory(name="Tidewatch", type="fandom", is_canonical=True)
    WorkFactory(creator=PseudFactory(user=muted)).tags.add(tidewatch)
    mute(reader, muted)
    client.force_login(reader)
    assert fandom_counts(client) == {}


def test_fandoms_are_paginated(client: Client) -> None:
    for number in range(21):
        fandom = TagFactory(name=f"Fandom {number:02}", type="fandom", is_canonical=True)
        for _ in range(1 if number else 2):
            WorkFactory().tags.add(fandom)
    first = fetch(client, "/opds/fandoms/", NAVIGATION)
    assert len(first.findall("a:entry", NS)) == 20
    assert entry_titles(first)[0] == "Fandom 00"
    second = fetch(client, first.find("a:link[@rel='next']", NS).get("href"), NAVIGATION)
    assert len(second.findall("a:entry", NS)) == 1
    assert second.find("a:link[@rel='next']", NS) is None
    assert second.find("a:link[@rel='previous']", NS) is not None
    assert get_listing(client, "/opds/fandoms/?page=3").status_code == 404
