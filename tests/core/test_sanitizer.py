from __future__ import annotations

from typing import Any

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


# Addresses that must lose their attribute: each would run code or load something other
# than a web page in some reader's engine once its invisible characters are dropped.
@pytest.mark.parametrize(
    "dirty",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="&#x6A;&#x61;vascript:alert(1)">x</a>',
        '<a href="&amp;#106;avascript:alert(1)">x</a>',  # escaped twice
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href="jav&#x0A;ascript:alert(1)">x</a>',
        '<a href="\x01javascript:alert(1)">x</a>',
        '<a href=" \x7fjavascript:alert(1)">x</a>',
        '<a href="java\u2028script:alert(1)">x</a>',
        '<a href="java&#x2029;script:alert(1)">x</a>',
        '<a href="\u200bjavascript:alert(1)">x</a>',
        '<a href="java\u200dscript:alert(1)">x</a>',
        '<a href="java\ufeffscript:alert(1)">x</a>',
        '<a href="java\u00a0script:alert(1)">x</a>',
        '<a href="javascript\u3000:alert(1)">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<a href="file:///etc/passwd">x</a>',
        '<a href="feed:javascript:alert(1)">x</a>',
        '<blockquote cite="javascript:alert(1)">x</blockquote>',
        '<q cite="java&#x2028;script:alert(1)">x</q>',
        '<del cite="data:text/html,x">x</del>',
        '<ins cite="vbscript:x">x</ins>',
        '<blockquote cite="mailto:someone@example.org">x</blockquote>',
    ],
)
def test_addresses_with_unsafe_schemes_are_dropped(dirty: str) -> None:
    cleaned = sanitize_html(dirty)
    assert "href" not in cleaned
    assert "cite" not in cleaned
    assert ">x<" in cleaned  # the text stays, only the address goes


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        ('<a href="https://example.org/a">x</a>', 'href="https://example.org/a"'),
        ('<a href="http://example.org/a">x</a>', 'href="http://example.org/a"'),
        ('<a href="/works/1/#comments">x</a>', 'href="/works/1/#comments"'),
        ('<a href="#footnote-1">x</a>', 'href="#footnote-1"'),
        ('<a href="chapters/2">x</a>', 'href="chapters/2"'),
        ('<a href="mailto:me@example.org">x</a>', 'href="mailto:me@example.org"'),
        ('<a href=" https://example.org/ ">x</a>', 'href="https://example.org/"'),
        ('<a href="https://example.org/\u2028x">x</a>', 'href="https://example.org/x"'),
        ('<blockquote cite="https://example.org/src">x</blockquote>', 'cite="https://example.org/src"'),
        ('<q cite="/works/3/">x</q>', 'cite="/works/3/"'),
        ('<del cite="https://example.org/why">x</del>', 'cite="https://example.org/why"'),
        ('<ins cite="https://example.org/why">x</ins>', 'cite="https://example.org/why"'),
    ],
)  # fmt: skip
def test_web_and_relative_addresses_are_kept(html: str, kept: str) -> None:
    assert kept in sanitize_html(html)


def test_plain_http_images_are_asked_for_over_https() -> None:
    assert sanitize_html('<img src="http://e.org/a.png">') == '<img src="https://e.org/a.png">'


@pytest.mark.parametrize(
    "source",
    [
        "/static/a.png",
        "//e.org/a.png",
        "javascript:alert(1)",
        "java\u2028script:x",
        "ftp://e.org/a",
    ],
)
def test_images_need_an_absolute_web_address(source: str) -> None:
    assert "src" not in sanitize_html(f'<img src="{source}" alt="a">')


def test_comments_keep_no_images() -> None:
    from ficshelf.core.sanitizer import Profile

    html = '<p>Look <img src="https://e.org/a.png" alt="a"> here</p>'
    cleaned = sanitize_html(html, Profile.COMMENT)
    assert cleaned == "<p>Look  here</p>"


def test_comments_keep_links_and_quotes() -> None:
    from ficshelf.core.sanitizer import Profile

    html = '<blockquote cite="https://e.org/q"><p><a href="https://e.org/">x</a></p></blockquote>'
    assert sanitize_html(html, Profile.COMMENT) == (
        '<blockquote cite="https://e.org/q"><p><a href="https://e.org/" rel="nofollow">x</a></p>'
        "</blockquote>"
    )


def test_images_come_only_from_the_hosts_the_archive_allows(settings: Any) -> None:
    from ficshelf.core.image_hosts import parse_image_hosts

    settings.FICSHELF_IMAGE_HOSTS = parse_image_hosts("art.example.org, *.images.example.net")
    html = (
        '<img src="https://art.example.org/a.png">'
        '<img src="https://cdn.images.example.net/b.png">'
        '<img src="https://images.example.net.evil.org/c.png">'
        '<img src="https://elsewhere.example.com/d.png">'
    )
    assert sanitize_html(html) == (
        '<img src="https://art.example.org/a.png">'
        '<img src="https://cdn.images.example.net/b.png"><img><img>'
    )


def test_an_archive_may_allow_no_images_at_all(settings: Any) -> None:
    from ficshelf.core.image_hosts import parse_image_hosts

    settings.FICSHELF_IMAGE_HOSTS = parse_image_hosts("none")
    assert sanitize_html('<img src="https://e.org/a.png">') == "<img>"


@pytest.mark.django_db
def test_stored_comments_lose_their_images_when_read() -> None:
    from ficshelf.core.sanitizer import SANITIZER_VERSION
    from ficshelf.social.stored_html import refresh_comments
    from tests.social.factories import CommentFactory

    comment = CommentFactory(
        text='<p>Hi<img src="https://tracker.example/p.gif"></p>', sanitizer_version=1
    )
    refresh_comments([comment])
    comment.refresh_from_db()
    assert comment.text == "<p>Hi</p>"
    assert comment.sanitizer_version == SANITIZER_VERSION
