"""The reader's pages: the work page, its chapters, the adult notice and the work index."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ficshelf.accounts.models import Preference
from ficshelf.core import process_cache
from ficshelf.search.queue import drain_index_queue
from ficshelf.tags.models import TagType
from ficshelf.works.models import Chapter, Collection, Gift, Series, SeriesWork, Work
from tests.factories import PseudFactory, TagFactory, UserFactory, WorkFactory
from tests.helpers import get_listing

pytestmark = pytest.mark.django_db


def add_tags(work: Work, tag_type: str, *names: str) -> None:
    work.tags.add(*(TagFactory(name=name, type=tag_type) for name in names))


def chaptered_work(count: int = 3, **kwargs: object) -> Work:
    work = WorkFactory(chapters=count, expected_chapter_count=None, is_complete=False, **kwargs)
    for chapter in work.chapters.all():
        chapter.text = f"<p>The words of chapter {chapter.position}.</p>"
        chapter.save()
    return work


def chapter_at(work: Work, position: int) -> Chapter:
    return work.chapters.get(position=position)


def page_text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def listing_text(client: Client, url: str) -> str:
    response = get_listing(client, url)
    assert response.status_code == 200
    return response.content.decode()


def position_of(html: str, needle: str) -> int:
    index = html.find(needle)
    assert index >= 0, f"{needle!r} not on the page"
    return index


# ---- The work page ----


def test_tag_block_shows_labels_in_ao3_order() -> None:
    work = WorkFactory(rating="Mature")
    add_tags(work, TagType.WARNING, "No Archive Warnings Apply")
    add_tags(work, TagType.CATEGORY, "Gen")
    add_tags(work, TagType.FANDOM, "Original Work")
    add_tags(work, TagType.RELATIONSHIP, "A/B")
    add_tags(work, TagType.CHARACTER, "A")
    add_tags(work, TagType.FREEFORM, "Fluff")
    client = Client()
    reader = UserFactory()
    Preference.objects.create(user=reader, hide_adult_notice=True)
    client.force_login(reader)

    html = page_text(client, work.get_absolute_url())

    labels = [
        "Rating:", "Archive Warning:", "Category:", "Fandom:", "Relationship:", "Character:",
        "Additional Tags:", "Language:", "Stats:", "Published:", "Words:", "Chapters:",
    ]  # fmt: skip
    positions = [position_of(html, f">{label}</dt>") for label in labels]
    assert positions == sorted(positions)


def test_tag_block_labels_are_plural_for_several_tags(client: Client) -> None:
    work = WorkFactory()
    add_tags(work, TagType.FANDOM, "Fandom One", "Fandom Two")
    add_tags(work, TagType.CHARACTER, "Only One")

    html = page_text(client, work.get_absolute_url())

    assert ">Fandoms:</dt>" in html
    assert ">Character:</dt>" in html


def test_tag_block_shows_series_part_and_chapter_count(client: Client) -> None:
    work = chaptered_work(2)
    SeriesWork.objects.create(series=Series.objects.create(title="Coastal Tales"), work=work,
                              position=2)  # fmt: skip

    html = page_text(client, work.get_absolute_url())

    series_link = r"<a class=\"series-title\" href=\"/series/\d+/\">Coastal Tales</a>"
    assert re.search(r"Part 2 of\s*" + series_link, html)
    assert '<dd class="chapters">2/?</dd>' in html


def test_tag_block_shows_updated_date_for_work_in_progress(client: Client) -> None:
    work = WorkFactory(
        is_complete=False,
        published_on=datetime.date(2024, 1, 2),
        updated_on=datetime.date(2024, 3, 4),
    )

    html = page_text(client, work.get_absolute_url())

    assert ">Updated:</dt>" in html
    assert "2024-03-04" in html


def test_tag_block_shows_collections(client: Client) -> None:
    work = WorkFactory()
    Collection.objects.create(name="winter-fest", title="Winter Fest").works.add(work)

    html = page_text(client, work.get_absolute_url())

    assert ">Collections:</dt>" in html
    assert "Winter Fest" in html


def test_byline_shows_pseud_with_username_when_they_differ(client: Client) -> None:
    pseud = PseudFactory(name="Moonlight", user=UserFactory(username="lunafan"))
    work = WorkFactory(creator=pseud)

    html = page_text(client, work.get_absolute_url())

    assert "Moonlight (lunafan)" in html


def test_gift_line_names_the_recipient(client: Client) -> None:
    work = WorkFactory()
    Gift.objects.create(work=work, recipient_name="Alice")

    html = page_text(client, work.get_absolute_url())

    assert re.search(r"For <span class=\"recipient\">Alice</span>\.", html)


def test_work_page_shows_summary_notes_text_and_end_notes_in_ao3_order(client: Client) -> None:
    work = WorkFactory(
        summary="<p>SUMMARY-MARK</p>", notes="<p>NOTES-MARK</p>", end_notes="<p>END-MARK</p>"
    )
    Chapter.objects.filter(work=work).update(text="<p>TEXT-MARK</p>")

    html = page_text(client, work.get_absolute_url())

    marks = ["<h1", "SUMMARY-MARK", "NOTES-MARK", "TEXT-MARK", 'id="work_endnotes"', "END-MARK"]
    positions = [position_of(html, mark) for mark in marks]
    assert positions == sorted(positions)


def test_single_chapter_work_shows_text_without_chapter_heading(client: Client) -> None:
    work = WorkFactory()

    html = page_text(client, work.get_absolute_url())

    assert "Once there was a story" in html
    assert "Chapter 1: Part 1" not in html
    assert "Next Chapter" not in html


def test_work_text_region_is_labelled_for_screen_readers(client: Client) -> None:
    work = WorkFactory()

    html = page_text(client, work.get_absolute_url())

    assert 'aria-labelledby="work-text-heading"' in html
    assert '<h2 id="work-text-heading" class="landmark">Work Text:</h2>' in html


def test_end_notes_link_is_shown_when_work_has_end_notes(client: Client) -> None:
    work = WorkFactory(notes="<p>Before.</p>", end_notes="<p>After.</p>")

    html = page_text(client, work.get_absolute_url())

    assert '(See the end of the work for <a href="#work_endnotes">more notes</a>.)' in html
    assert 'id="work_endnotes"' in html


def test_end_notes_link_is_absent_without_end_notes(client: Client) -> None:
    work = WorkFactory(notes="<p>Before.</p>")

    html = page_text(client, work.get_absolute_url())

    assert "See the end of the work" not in html
    assert 'id="work_endnotes"' not in html


def test_end_notes_link_on_first_chapter_leads_to_last_chapter(client: Client) -> None:
    work = chaptered_work(3, notes="<p>Before.</p>", end_notes="<p>After.</p>")
    last = chapter_at(work, 3)

    html = page_text(client, work.get_absolute_url())

    assert f'<a href="{last.get_absolute_url()}#work_endnotes">more notes</a>' in html
    assert "After." not in html


# ---- Chapters ----


def test_multi_chapter_work_page_shows_first_chapter_only(client: Client) -> None:
    work = chaptered_work(3)

    html = page_text(client, work.get_absolute_url())

    assert "The words of chapter 1." in html
    assert "The words of chapter 2." not in html


def test_chapter_page_shows_only_that_chapter(client: Client) -> None:
    work = chaptered_work(3)

    html = page_text(client, chapter_at(work, 2).get_absolute_url())

    assert "The words of chapter 2." in html
    assert "The words of chapter 1." not in html
    assert "The words of chapter 3." not in html


def test_chapter_page_shows_chapter_heading_summary_and_notes(client: Client) -> None:
    work = chaptered_work(2)
    Chapter.objects.filter(pk=chapter_at(work, 2).pk).update(
        summary="<p>CH-SUMMARY</p>", notes="<p>CH-NOTES</p>", end_notes="<p>CH-END</p>"
    )

    html = page_text(client, chapter_at(work, 2).get_absolute_url())

    marks = ["Chapter 2: Part 2", "CH-SUMMARY", "CH-NOTES", "The words of chapter 2.", "CH-END"]
    positions = [position_of(html, mark) for mark in marks]
    assert positions == sorted(positions)
    assert 'href="#chapter_2_endnotes"' in html


def test_chapter_page_links_previous_and_next_chapters(client: Client) -> None:
    work = chaptered_work(3)

    html = page_text(client, chapter_at(work, 2).get_absolute_url())

    assert f'href="{chapter_at(work, 1).get_absolute_url()}#workskin">← Previous Chapter' in html
    assert f'href="{chapter_at(work, 3).get_absolute_url()}#workskin">Next Chapter →' in html


def test_first_chapter_has_no_previous_and_last_has_no_next(client: Client) -> None:
    work = chaptered_work(2)

    first = page_text(client, chapter_at(work, 1).get_absolute_url())
    last = page_text(client, chapter_at(work, 2).get_absolute_url())

    assert "Previous Chapter" not in first
    assert "Next Chapter" in first
    assert "Next Chapter" not in last
    assert "Previous Chapter" in last


def test_chapter_index_select_lists_every_chapter(client: Client) -> None:
    work = chaptered_work(3)

    html = page_text(client, chapter_at(work, 2).get_absolute_url())

    options = re.findall(r'<option value="(\d+)"( selected)?>', html)
    assert [int(pk) for pk, _ in options] == list(
        work.chapters.order_by("position").values_list("pk", flat=True)
    )
    assert [pk for pk, selected in options if selected] == [str(chapter_at(work, 2).pk)]


def test_chapter_select_form_redirects_to_chosen_chapter(client: Client) -> None:
    work = chaptered_work(3)
    chosen = chapter_at(work, 3)

    response = client.get(
        reverse("works:chapter_select", args=[work.pk]), {"selected_id": chosen.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == chosen.get_absolute_url()


def test_full_page_chapter_index_lists_chapters(client: Client) -> None:
    work = chaptered_work(2)

    html = page_text(client, reverse("works:navigate", args=[work.pk]))

    assert "1. Part 1" in html
    assert "2. Part 2" in html


def test_entire_work_view_shows_every_chapter(client: Client) -> None:
    work = chaptered_work(3)

    html = page_text(client, work.get_absolute_url() + "?view_full_work=true")

    for position in (1, 2, 3):
        assert f"The words of chapter {position}." in html
        assert f"Chapter {position}: Part {position}" in html
    assert "Chapter by Chapter" in html


def test_work_summary_is_shown_on_first_chapter_only(client: Client) -> None:
    work = chaptered_work(2, summary="<p>WORK-SUMMARY</p>")

    first = page_text(client, chapter_at(work, 1).get_absolute_url())
    second = page_text(client, chapter_at(work, 2).get_absolute_url())

    assert "WORK-SUMMARY" in first
    assert "WORK-SUMMARY" not in second


def test_work_end_notes_are_shown_after_last_chapter_only(client: Client) -> None:
    work = chaptered_work(2, end_notes="<p>WORK-END</p>")

    first = page_text(client, chapter_at(work, 1).get_absolute_url())
    last = page_text(client, chapter_at(work, 2).get_absolute_url())

    assert "WORK-END" not in first
    assert "WORK-END" in last


def test_unposted_chapter_is_404_for_readers(client: Client) -> None:
    work = chaptered_work(2)
    Chapter.objects.filter(pk=chapter_at(work, 2).pk).update(is_posted=False)

    response = client.get(chapter_at(work, 2).get_absolute_url())

    assert response.status_code == 404


def test_unposted_chapter_is_left_out_of_entire_work_and_navigation(client: Client) -> None:
    work = chaptered_work(3)
    Chapter.objects.filter(pk=chapter_at(work, 3).pk).update(is_posted=False)

    entire = page_text(client, work.get_absolute_url() + "?view_full_work=true")
    second = page_text(client, chapter_at(work, 2).get_absolute_url())

    assert "The words of chapter 3." not in entire
    assert "Next Chapter" not in second
    assert '<dd class="chapters">2/?</dd>' in second


def test_creator_sees_unposted_chapter_marked_as_draft() -> None:
    pseud = PseudFactory()
    work = chaptered_work(2, creator=pseud)
    Chapter.objects.filter(pk=chapter_at(work, 2).pk).update(is_posted=False)
    client = Client()
    client.force_login(pseud.user)

    html = page_text(client, chapter_at(work, 2).get_absolute_url())

    assert "The words of chapter 2." in html
    assert "This chapter is a draft" in html


# ---- The adult-content notice ----


@pytest.mark.parametrize("rating", ["Explicit", "Mature", "Not Rated"])
def test_guest_gets_adult_notice_for_adult_rating(client: Client, rating: str) -> None:
    work = WorkFactory(rating=rating)

    html = page_text(client, work.get_absolute_url())

    assert "This work could have adult content." in html
    assert "Once there was a story" not in html


@pytest.mark.parametrize("rating", ["General Audiences", "Teen And Up Audiences"])
def test_guest_reads_general_and_teen_works_without_notice(client: Client, rating: str) -> None:
    work = WorkFactory(rating=rating)

    html = page_text(client, work.get_absolute_url())

    assert "This work could have adult content." not in html
    assert "Once there was a story" in html


def test_adult_notice_does_not_contain_work_text_notes_or_summary(client: Client) -> None:
    work = WorkFactory(
        rating="Explicit",
        summary="<p>SECRET-SUMMARY</p>",
        notes="<p>SECRET-NOTES</p>",
        end_notes="<p>SECRET-END</p>",
    )
    Chapter.objects.filter(work=work).update(text="<p>SECRET-TEXT</p>")

    html = page_text(client, work.get_absolute_url())

    assert "This work could have adult content." in html
    for secret in ("SECRET-TEXT", "SECRET-SUMMARY", "SECRET-NOTES", "SECRET-END"):
        assert secret not in html


def test_adult_notice_shows_rating_warnings_proceed_and_go_back(client: Client) -> None:
    work = WorkFactory(rating="Explicit")
    add_tags(work, TagType.WARNING, "Major Character Death")

    html = page_text(client, work.get_absolute_url())

    assert '<a class="tag" href="/tags/Explicit/">Explicit</a>' in html
    assert (
        '<a class="tag" href="/tags/Major%20Character%20Death/">Major Character Death</a>' in html
    )
    assert f'action="{reverse("works:proceed", args=[work.pk])}"' in html
    assert "csrfmiddlewaretoken" in html
    assert f'href="{reverse("works:index")}">Go back</a>' in html


def test_guest_gets_adult_notice_on_chapter_page(client: Client) -> None:
    work = chaptered_work(2, rating="Explicit")

    html = page_text(client, chapter_at(work, 2).get_absolute_url())

    assert "This work could have adult content." in html
    assert "The words of chapter 2." not in html


def test_proceed_is_remembered_for_the_session(client: Client) -> None:
    work = WorkFactory(rating="Explicit")
    other = WorkFactory(rating="Mature")

    client.post(reverse("works:proceed", args=[work.pk]))

    assert "Once there was a story" in page_text(client, work.get_absolute_url())
    assert "Once there was a story" in page_text(client, other.get_absolute_url())


def test_proceed_returns_to_the_page_the_reader_asked_for(client: Client) -> None:
    work = chaptered_work(2, rating="Explicit")
    wanted = chapter_at(work, 2).get_absolute_url()

    response = client.post(reverse("works:proceed", args=[work.pk]), {"next": wanted})

    assert response.status_code == 302
    assert response["Location"] == wanted


def test_proceed_does_not_redirect_to_another_site(client: Client) -> None:
    work = WorkFactory(rating="Explicit")

    response = client.post(
        reverse("works:proceed", args=[work.pk]), {"next": "https://evil.example/"}
    )

    assert response["Location"] == work.get_absolute_url()


def test_proceed_only_accepts_post(client: Client) -> None:
    work = WorkFactory(rating="Explicit")

    assert client.get(reverse("works:proceed", args=[work.pk])).status_code == 405


def test_proceed_is_refused_without_csrf_token() -> None:
    work = WorkFactory(rating="Explicit")
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("works:proceed", args=[work.pk]))

    assert response.status_code == 403


def test_signed_in_reader_sees_adult_notice_by_default_as_on_ao3(client: Client) -> None:
    work = WorkFactory(rating="Explicit")
    client.force_login(UserFactory())

    html = page_text(client, work.get_absolute_url())

    assert "This work could have adult content." in html
    assert "Once there was a story" not in html


def test_signed_in_reader_who_chose_to_skip_the_notice_reads_at_once(client: Client) -> None:
    reader = UserFactory()
    Preference.objects.create(user=reader, hide_adult_notice=True)
    work = WorkFactory(rating="Explicit")
    client.force_login(reader)

    html = page_text(client, work.get_absolute_url())

    assert "This work could have adult content." not in html
    assert "Once there was a story" in html


# ---- Visibility on the pages ----


def test_guest_gets_404_for_restricted_work_page(client: Client) -> None:
    work = WorkFactory(restricted=True)

    assert client.get(work.get_absolute_url()).status_code == 404


def test_guest_gets_404_for_restricted_work_chapter(client: Client) -> None:
    work = WorkFactory(restricted=True)

    assert client.get(chapter_at(work, 1).get_absolute_url()).status_code == 404


def test_guest_cannot_proceed_into_restricted_work(client: Client) -> None:
    work = WorkFactory(restricted=True, rating="Explicit")

    assert client.post(reverse("works:proceed", args=[work.pk])).status_code == 404


def test_draft_is_404_for_other_readers(client: Client) -> None:
    work = WorkFactory(draft=True)
    client.force_login(UserFactory())

    assert client.get(work.get_absolute_url()).status_code == 404


def test_draft_is_shown_to_its_creator(client: Client) -> None:
    pseud = PseudFactory()
    work = WorkFactory(draft=True, creator=pseud)
    client.force_login(pseud.user)

    html = page_text(client, work.get_absolute_url())

    assert "Once there was a story" in html
    assert '<span class="status-badge">Draft</span>' in html


def test_site_stylesheet_is_found_by_staticfiles() -> None:
    # ficshelf/static/ is a project-level folder: only STATICFILES_DIRS makes it servable.
    assert finders.find("ficshelf/site.css"), "add BASE_DIR / 'static' to STATICFILES_DIRS"


def test_missing_work_uses_the_site_404_page(client: Client) -> None:
    response = client.get("/works/999999/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# ---- The work index ----


def test_index_lists_only_works_visible_to_the_viewer(client: Client) -> None:
    public = WorkFactory(title="Public Work")
    WorkFactory(title="Restricted Work", restricted=True)
    WorkFactory(title="Draft Work", draft=True)
    WorkFactory(title="Hidden Work", hidden=True)

    html = listing_text(client, reverse("works:index"))

    assert public.title in html
    for title in ("Restricted Work", "Draft Work", "Hidden Work"):
        assert title not in html


def test_index_shows_restricted_works_to_signed_in_readers(client: Client) -> None:
    WorkFactory(title="Restricted Work", restricted=True)
    client.force_login(UserFactory())

    assert "Restricted Work" in listing_text(client, reverse("works:list"))


def test_index_leaves_out_creators_own_drafts(client: Client) -> None:
    pseud = PseudFactory()
    WorkFactory(title="My Posted Work", creator=pseud)
    WorkFactory(title="My Draft", draft=True, creator=pseud)
    client.force_login(pseud.user)

    html = listing_text(client, reverse("works:index"))

    assert "My Posted Work" in html
    assert "My Draft" not in html


def test_index_lists_newest_update_first(client: Client) -> None:
    WorkFactory(title="Older Work", updated_on=datetime.date(2023, 1, 1))
    WorkFactory(title="Newer Work", updated_on=datetime.date(2024, 1, 1))

    html = listing_text(client, reverse("works:index"))

    assert position_of(html, "Newer Work") < position_of(html, "Older Work")


def test_index_shows_twenty_works_per_page_with_page_links(client: Client) -> None:
    WorkFactory.create_batch(21)

    first = listing_text(client, reverse("works:index"))
    second = listing_text(client, reverse("works:index") + "?page=2")

    assert first.count('<li class="blurb"') == 20
    assert second.count('<li class="blurb"') == 1
    assert 'href="?page=2"' in first
    assert "1 – 20 of 21 Works" in first


def test_blurb_shows_title_byline_fandom_required_tags_and_stats(client: Client) -> None:
    pseud = PseudFactory(name="Moonlight", user=UserFactory(username="lunafan"))
    work = WorkFactory(title="Blurbed", creator=pseud, rating="Explicit", word_count=12345)
    add_tags(work, TagType.FANDOM, "Naruto")
    add_tags(work, TagType.CATEGORY, "F/M")

    html = listing_text(client, reverse("works:index"))

    assert f'href="{work.get_absolute_url()}">Blurbed</a>' in html
    assert "Moonlight (lunafan)" in html
    assert "Naruto" in html
    assert 'title="Explicit"' in html
    assert 'title="F/M"' in html
    assert 'title="Complete Work"' in html
    assert '<dd class="words">12,345</dd>' in html
    assert '<dd class="chapters">1/1</dd>' in html
    assert "English" in html


def test_blurb_lists_warnings_before_other_tags(client: Client) -> None:
    work = WorkFactory()
    add_tags(work, TagType.FREEFORM, "Angst")
    add_tags(work, TagType.CHARACTER, "Sakura")
    add_tags(work, TagType.RELATIONSHIP, "Kakashi/Sakura")
    add_tags(work, TagType.WARNING, "Graphic Depictions Of Violence")

    html = listing_text(client, reverse("works:index"))

    order = ["Graphic Depictions Of Violence", "Kakashi/Sakura", "Sakura</a>", "Angst"]
    positions = [position_of(html, name) for name in order]
    assert positions == sorted(positions)


def test_index_queries_do_not_grow_with_the_number_of_works(client: Client) -> None:
    def shared_fandom_work() -> None:
        work = chaptered_work(2)
        add_tags(work, TagType.FANDOM, "Shared Fandom")
        SeriesWork.objects.create(series=Series.objects.create(title="S"), work=work)

    def queries_for_the_index() -> int:
        drain_index_queue()  # the worker's job: listings read the index
        process_cache.clear_process_cache()
        cache.clear()  # rendered afresh, not from a kept page
        with CaptureQueriesContext(connection) as done:
            client.get(reverse("works:index"))
        return len(done)

    client.force_login(UserFactory())
    shared_fandom_work()
    with_one = queries_for_the_index()
    for _ in range(19):
        shared_fandom_work()

    # session + user, the reader's choices, the queue, works, one query per prefetch.
    assert queries_for_the_index() == with_one


def test_reading_a_work_counts_a_hit_and_records_history(client: Client) -> None:
    from ficshelf.social.hits import flush_hits
    from ficshelf.social.models import Reading

    reader = UserFactory()
    work = WorkFactory()
    client.force_login(reader)
    client.get(work.get_absolute_url())
    client.get(work.get_absolute_url())
    assert flush_hits(now=time.time() + 60) == 1
    assert Reading.objects.get(user=reader, work=work)


def test_adult_notice_counts_no_hit(client: Client) -> None:
    from ficshelf.social.hits import flush_hits

    work = WorkFactory(rating="Explicit")
    client.get(work.get_absolute_url())
    assert flush_hits(now=time.time() + 60) == 0


def test_tag_list_items_hold_no_stray_space_before_the_css_commas(client: Client) -> None:
    # site.css adds ", " after each item; a space inside an item would show as "Ann , Bo".
    work = WorkFactory()
    add_tags(work, TagType.CHARACTER, "Ann", "Bo")
    html = page_text(client, work.get_absolute_url())
    assert (
        '<li><a class="tag" href="/tags/Ann/">Ann</a></li>'
        '<li><a class="tag" href="/tags/Bo/">Bo</a></li>'
    ) in html
