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
