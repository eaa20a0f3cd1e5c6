from __future__ import annotations

import pytest

from ficshelf.core.sanitizer import sanitize_html


@pytest.mark.parametrize(
    "dirty",
    [
        "<script>alert(1)</script>",
        "<style>body{display:none}</style>",
        '<iframe src="https://example.org"></iframe>',
        "<form><input name=x></form>",
    ],
)
def test_code_and_styles_are_removed(dirty: str) -> None:
    assert sanitize_html(f"<p>kept</p>{dirty}") == "<p>kept</p>"


def test_event_handlers_are_removed() -> None:
    assert sanitize_html('<p onclick="steal()">hi</p>') == "<p>hi</p>"


def test_links_get_nofollow_and_lose_javascript_urls() -> None:
    cleaned = sanitize_html('<a href="https://e.org">ok</a><a href="javascript:x()">bad</a>')
    assert cleaned == '<a href="https://e.org" rel="nofollow">ok</a><a rel="nofollow">bad</a>'


def test_only_web_images_are_kept() -> None:
    cleaned = sanitize_html('<img src="https://e.org/a.png" alt="a"><img src="data:image/png;x">')
    assert cleaned == '<img src="https://e.org/a.png" alt="a"><img>'


@pytest.mark.parametrize(
    "html",
    [
        "<p><em>a</em> <strong>b</strong></p>",
        "<h2>Heading</h2>",
        "<ul><li>one</li></ul>",
        "<blockquote><p>quoted</p></blockquote>",
        "<table><tbody><tr><td>cell</td></tr></tbody></table>",
        "<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>",
        "<details><summary>Spoiler</summary><p>hidden</p></details>",
        '<p class="scene-break">…..</p>',
    ],
)
def test_writers_structure_is_kept(html: str) -> None:
    assert sanitize_html(html) == html


@pytest.mark.django_db
def test_text_stored_under_older_rules_is_cleaned_when_read() -> None:
    from ficshelf.core.sanitizer import SANITIZER_VERSION, refresh_if_stale
    from tests.factories import WorkFactory

    work = WorkFactory(summary="<p>ok</p><script>old()</script>", sanitizer_version=0)
    assert refresh_if_stale(work, ["summary", "notes", "end_notes"])
    work.refresh_from_db()
    assert work.summary == "<p>ok</p>"
    assert work.sanitizer_version == SANITIZER_VERSION


@pytest.mark.django_db
def test_current_text_is_left_alone() -> None:
    from ficshelf.core.sanitizer import SANITIZER_VERSION, refresh_if_stale
    from tests.factories import WorkFactory

    work = WorkFactory(summary="<p>ok</p>", sanitizer_version=SANITIZER_VERSION)
    assert not refresh_if_stale(work, ["summary"])
