"""Embedded players: iframes only from the hosts admins list, sandboxed; frame-src follows."""

from __future__ import annotations

import lxml.html
import pytest
from django.test import Client

from ficshelf.core.embed_hosts import normalized_host
from ficshelf.core.models import AuditEntry, EmbedHost
from ficshelf.core.sanitizer import Profile, sanitize_html
from ficshelf.moderation.roles import POLICY_AND_ABUSE, ROLE_PERMISSIONS

pytestmark = pytest.mark.django_db

PLAYER = '<iframe src="https://w.soundcloud.com/player/?url=track" width="100%" height="166">'


@pytest.fixture
def soundcloud() -> EmbedHost:
    return EmbedHost.objects.create(host="w.soundcloud.com")


def test_an_iframe_from_a_listed_host_is_kept_sandboxed(soundcloud: EmbedHost) -> None:
    cleaned = sanitize_html(
        '<p>Listen:</p><iframe src="https://w.soundcloud.com/player/?url=track" '
        'sandbox="allow-top-navigation allow-forms" onload="steal()" srcdoc="<script>x</script>" '
        'width="100%" height="166">fallback <script>x</script></iframe>',
        Profile.CHAPTER_TEXT,
    )
    assert cleaned.startswith("<p>Listen:</p><iframe ")
    assert cleaned.endswith("></iframe>")  # nothing written inside it is kept
    assert attributes_of_the_player(cleaned) == {
        "src": "https://w.soundcloud.com/player/?url=track",
        "width": "100%",
        "height": "166",
        "loading": "lazy",
        "sandbox": "allow-scripts allow-same-origin allow-popups allow-presentation",
        "referrerpolicy": "strict-origin",
        "title": "Player from w.soundcloud.com",  # a frame needs a name (none was written)
    }


def attributes_of_the_player(html: str) -> dict[str, str]:
    frames = lxml.html.fragment_fromstring(html, create_parent="div").findall(".//iframe")
    assert len(frames) == 1
    return dict(frames[0].attrib)


@pytest.mark.parametrize(
    "source",
    [
        "https://evil.example/player",
        "http://w.soundcloud.com/player/",  # not over https
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//w.soundcloud.com/player/",
        "https://user@w.soundcloud.com/player/",
        "https://w.soundcloud.com.evil.example/player",
        "https://evilw.soundcloud.com/",
    ],
)
def test_iframes_from_elsewhere_are_removed_whole(soundcloud: EmbedHost, source: str) -> None:
    cleaned = sanitize_html(f'<p>a</p><iframe src="{source}">x</iframe>', Profile.CHAPTER_TEXT)
    assert cleaned == "<p>a</p>"


def test_angle_brackets_in_a_players_attributes_cannot_open_a_way_out(
    soundcloud: EmbedHost,
) -> None:
    cleaned = sanitize_html(
        '<iframe src="https://w.soundcloud.com/p" title="x<iframe>y"></iframe>'
        '<p>" onload="alert(1)</p>',
        Profile.CHAPTER_TEXT,
    )
    # The writer's title is refused; the frame is named after its host instead.
    assert attributes_of_the_player(cleaned)["title"] == "Player from w.soundcloud.com"
    assert "onload" not in attributes_of_the_player(cleaned)
    assert cleaned.endswith('></iframe><p>" onload="alert(1)</p>')


def test_summaries_notes_and_comments_never_keep_a_player(soundcloud: EmbedHost) -> None:
    assert sanitize_html(PLAYER + "</iframe>") == ""
    assert sanitize_html(PLAYER + "</iframe>", Profile.COMMENT) == ""


def test_a_host_taken_off_the_list_is_no_longer_kept(soundcloud: EmbedHost) -> None:
    soundcloud.delete()
    assert sanitize_html(PLAYER + "</iframe>", Profile.CHAPTER_TEXT) == ""


def test_a_subdomain_rule_allows_the_subdomains() -> None:
    EmbedHost.objects.create(host="*.bandcamp.com")
    kept = sanitize_html(
        '<iframe src="https://artist.bandcamp.com/EmbeddedPlayer/"></iframe>', Profile.CHAPTER_TEXT
    )
    assert 'src="https://artist.bandcamp.com/EmbeddedPlayer/"' in kept


def test_the_policy_frames_only_the_listed_hosts(client: Client) -> None:
    assert "frame-src 'none'" in client.get("/").headers["Content-Security-Policy"]
    EmbedHost.objects.create(host="w.soundcloud.com")
    EmbedHost.objects.create(host="*.bandcamp.com")
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "frame-src https://*.bandcamp.com https://w.soundcloud.com;" in policy


def test_a_chapter_with_a_player_shows_it_under_the_policy(
    client: Client, soundcloud: EmbedHost
) -> None:
    from ficshelf.works.actions import ChapterData
    from tests.works.factories_posting import posted_work, writer

    work = posted_work(writer(), chapter=ChapterData(text=f"<p>Hear it.</p>{PLAYER}</iframe>"))
    response = client.get(work.get_absolute_url())
    assert 'sandbox="allow-scripts allow-same-origin allow-popups allow-presentation"' in (
        response.content.decode()
    )
    assert "frame-src https://w.soundcloud.com" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("w.soundcloud.com", "w.soundcloud.com"),
        ("  Player.Vimeo.com. ", "player.vimeo.com"),
        ("https://www.youtube-nocookie.com/embed/x", "www.youtube-nocookie.com"),
        ("*.bandcamp.com", "*.bandcamp.com"),
        ("*", None),
        ("localhost", None),
        ("evil.example/path'", None),
        ("a b.com", None),
    ],
)
def test_hosts_are_checked_when_entered(written: str, kept: str | None) -> None:
    assert normalized_host(written) == kept


def test_the_policy_role_edits_the_list() -> None:
    assert "core.change_embedhost" in ROLE_PERMISSIONS[POLICY_AND_ABUSE]
    assert "core.add_embedhost" in ROLE_PERMISSIONS[POLICY_AND_ABUSE]


def test_adding_a_host_in_the_admin_is_audited(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/core/embedhost/add/", {"host": "W.SoundCloud.com", "note": "podfic"}
    )
    assert response.status_code == 302
    assert EmbedHost.objects.get().host == "w.soundcloud.com"
    assert AuditEntry.objects.filter(action="add", target_repr="w.soundcloud.com").exists()


def test_a_bad_host_is_refused_in_the_admin_and_nothing_is_written(admin_client: Client) -> None:
    response = admin_client.post("/admin/core/embedhost/add/", {"host": "not a host", "note": ""})
    assert response.status_code == 200
    assert "Enter a host name" in response.content.decode()
    assert not EmbedHost.objects.exists()


def test_a_players_own_title_is_kept_and_cannot_break_out(soundcloud: EmbedHost) -> None:
    titled = sanitize_html(
        '<iframe src="https://w.soundcloud.com/p" title="Chapter 3, read aloud"></iframe>',
        Profile.CHAPTER_TEXT,
    )
    assert attributes_of_the_player(titled)["title"] == "Chapter 3, read aloud"
    quoted = sanitize_html(
        '<iframe src="https://w.soundcloud.com/p?a=1&amp;b=&quot;2"></iframe>',
        Profile.CHAPTER_TEXT,
    )
    assert attributes_of_the_player(quoted)["title"] == "Player from w.soundcloud.com"
    assert quoted.count("<iframe ") == 1 and quoted.endswith("></iframe>")
