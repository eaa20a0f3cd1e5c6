"""The work page's tag block, built in Python (``works.tag_block_html``): AO3's rows and
labels, the reader's "hide warnings", and every name escaped."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import lxml.html
import pytest
from django.test import Client

from ficshelf.tags.models import Tag, TagType
from ficshelf.works.models import Collection, Series, SeriesWork, Work
from ficshelf.works.tag_block_html import tag_block_html
from tests.factories import TagFactory, WorkFactory

pytestmark = pytest.mark.django_db


def block(work: Work, preference: Any = None) -> Any:
    loaded = Work.objects.one_with_everything_shown(work.pk)
    return lxml.html.fragment_fromstring(str(tag_block_html(loaded, preference)))


def text(element: Any) -> str:
    return " ".join(element.text_content().split())


def rows(meta: Any) -> dict[str, str]:
    """Each top-level row's label and its text."""
    assert meta.tag == "dl" and meta.get("class") == "work-meta"
    labels, values = meta.xpath("./dt"), meta.xpath("./dd")
    return {text(dt): text(dd) for dt, dd in zip(labels, values, strict=True)}


def test_rows_in_ao3s_order_with_singular_and_plural_labels() -> None:
    work = WorkFactory(rating="Mature")
    work.tags.add(
        Tag.objects.get(name="No Archive Warnings Apply"),
        TagFactory(name="Fandom One", type=TagType.FANDOM),
        TagFactory(name="Fandom Two", type=TagType.FANDOM),
        TagFactory(name="Fluff", type=TagType.FREEFORM),
    )
    shown = rows(block(work))
    assert list(shown)[:4] == ["Rating:", "Archive Warning:", "Fandoms:", "Additional Tags:"]
    fandoms = block(work).xpath("./dd[@class='fandom tags']/ul/li")
    assert [text(item) for item in fandoms] == ["Fandom One", "Fandom Two"]
    assert shown["Language:"] == "English"
    assert "Series:" not in shown and "Collections:" not in shown
    (link,) = block(work).xpath(".//a[text()='Fandom One']")
    assert link.get("href").startswith("/tags/")


def test_hide_warnings_puts_them_a_click_away() -> None:
    work = WorkFactory()
    work.tags.add(Tag.objects.get(name="No Archive Warnings Apply"))
    hidden = block(work, SimpleNamespace(hide_warnings=True))
    (details,) = hidden.xpath(".//dd[@class='warning tags']/details[@class='hidden-tags']")
    assert "No Archive Warnings Apply" in text(details)
    assert block(work).xpath(".//details") == []


def test_names_are_escaped() -> None:
    work = WorkFactory()
    work.tags.add(TagFactory(name="<b>Bold</b> & Co", type=TagType.FREEFORM))
    series = Series.objects.create(title="<i>Series</i>")
    SeriesWork.objects.create(series=series, work=work, position=2)
    Collection.objects.create(name="fest", title="<script>x</script>").works.add(work)
    html = str(tag_block_html(Work.objects.one_with_everything_shown(work.pk), None))
    assert "<b>Bold" not in html and "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html
    assert "<i>Series" not in html and "Part 2 of" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_stats_show_completed_or_updated_and_the_words() -> None:
    done = WorkFactory(word_count=123_456, published_on=datetime.date(2023, 1, 2))
    Work.objects.filter(pk=done.pk).update(completed_on=datetime.date(2024, 5, 6))
    going = WorkFactory(is_complete=False, updated_on=datetime.date(2025, 3, 4))
    (stats_done,) = block(done).xpath(".//dl[@class='stats']")
    (stats_going,) = block(going).xpath(".//dl[@class='stats']")
    assert "Completed: 2024-05-06" in text(stats_done)
    assert "Words: 123,456" in text(stats_done)
    assert "Updated: 2025-03-04" in text(stats_going)
    assert stats_done.xpath(".//time/@datetime")[0] == "2023-01-02"


def test_the_work_page_shows_the_block(client: Client) -> None:
    work = WorkFactory()
    work.tags.add(TagFactory(name="Shown On The Page", type=TagType.FREEFORM))
    page = lxml.html.fromstring(client.get(work.get_absolute_url()).content)
    (meta,) = page.xpath("//dl[@class='work-meta']")
    assert meta.xpath(".//a[text()='Shown On The Page']")
