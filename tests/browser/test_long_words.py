"""A 255-character title or a 300-character tag written without a space wraps: no page
grows wider than the screen (AO3 imports and careless tagging both make such words)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, ViewportSize
from pytest_django.live_server_helper import LiveServer

from ficshelf.search.queue import drain_index_queue
from ficshelf.tags.models import Tag, TagType
from ficshelf.works.models import Series, SeriesWork, Work
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.signing_in import log_in
from tests.factories import TagFactory, WorkFactory
from tests.social.factories import BookmarkFactory, CommentFactory
from tests.works.factories_posting import writer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Unbroken" + "a" * 247  # 255 characters, the longest title
TAG = "Longtag" + "b" * 293  # 300 characters, the longest tag
WORD = "Longword" + "c" * 392


def shelf_of_long_words() -> tuple[Work, Tag]:
    author = writer("longwinded")
    work = WorkFactory(
        title=TITLE,
        creator=author.pseuds.get(),
        summary=f"<p>{WORD}</p>",
        notes=f"<p>{WORD}</p>",
    )
    work.chapters.update(title=TITLE, text=f"<p>{WORD}</p><p>Then ordinary words.</p>")
    tag = TagFactory(name=TAG, type=TagType.FANDOM)
    work.tags.add(
        tag,
        TagFactory(name="No Archive Warnings Apply"),
        TagFactory(name="Freeform" + TAG[8:], type=TagType.FREEFORM),
        TagFactory(name="Relationship" + TAG[12:], type=TagType.RELATIONSHIP),
    )
    series = Series.objects.create(title=TITLE, summary=f"<p>{WORD}</p>")
    SeriesWork.objects.create(series=series, work=work, position=1)
    CommentFactory(work=work, user=author, text=f"<p>{WORD}</p>")
    BookmarkFactory(user=author, work=work, notes=f"<p>{WORD}</p>", tags=TAG[:200])
    drain_index_queue()
    return work, tag


@pytest.mark.parametrize(("layout", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_pages_with_a_255_character_title_and_a_300_character_tag_fit_the_screen(
    live_server: LiveServer,
    browser: Browser,
    shots_dir: Path,
    layout: str,
    viewport: ViewportSize,
) -> None:
    work, tag = shelf_of_long_words()
    series = work.series_works.get().series
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    log_in(page, live_server.url, "longwinded")
    pages = {
        "work": work.get_absolute_url() + "?view_adult=true",
        "listing": "/works/",
        "tag": tag.get_absolute_url(),
        "tag-works": tag.get_absolute_url() + "works/",
        "dashboard": "/dashboard/",
        "series": f"/series/{series.pk}/",
        "bookmarks": "/bookmarks/",
        "search": "/search/?q=ordinary",
        "profile": "/users/longwinded/",
        "creator-works": "/users/longwinded/works/",
    }
    too_wide = {}
    for name, path in pages.items():
        page.goto(live_server.url + path)
        # Folded parts (the sidebar's tag choices, the download menu) count too.
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        assert TITLE[:40] in page.content() or TAG[:40] in page.content(), name
        page.screenshot(path=str(shots_dir / f"{layout}-long-words-{name}.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > viewport["width"]:
            too_wide[name] = width
    context.close()
    assert too_wide == {}, f"wider than {viewport['width']}px"
