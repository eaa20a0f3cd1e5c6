"""The optional outside checker (Akismet's comment-check API), against a fake server on
this machine: "true" holds, "false" publishes, and a checker that is down, slow or
answers nonsense holds the comment, never loses it."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.core import spam
from ficshelf.core.spam import SpamState
from ficshelf.social.models import Comment
from ficshelf.works.models import Work
from tests.factories import WorkFactory
from tests.helpers import guarded

pytestmark = pytest.mark.django_db

GUEST = {"guest_name": "Pat", "guest_email": "pat@example.org"}


class FakeChecker(BaseHTTPRequestHandler):
    answer = b"false"
    delay = 0.0
    received: list[tuple[str, dict[str, list[str]]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        fields = urllib.parse.parse_qs(self.rfile.read(length).decode())
        type(self).received.append((self.path, fields))
        time.sleep(self.delay)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        with contextlib.suppress(OSError):  # the archive may have stopped waiting
            self.wfile.write(self.answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def checker(settings: pytest.FixtureRequest) -> Iterator[type[FakeChecker]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeChecker)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeChecker.answer, FakeChecker.delay, FakeChecker.received = b"false", 0.0, []
    settings.FICSHELF_SPAM_CHECKER_URL = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    settings.FICSHELF_SPAM_CHECKER_KEY = "test-key"  # type: ignore[attr-defined]
    try:
        yield FakeChecker
    finally:
        server.shutdown()
        server.server_close()


def post_comment(work: Work, text: str = "<p>Such a good chapter.</p>") -> Comment:
    chapter = work.chapters.first()
    assert chapter is not None
    url = reverse("social:post_comment", args=[work.pk, chapter.pk])
    response = Client(REMOTE_ADDR="198.51.100.4").post(url, guarded({"text": text, **GUEST}))
    assert response.status_code == 302
    return Comment.objects.get()


def test_a_comment_the_checker_calls_ham_is_published(checker: type[FakeChecker]) -> None:
    comment = post_comment(WorkFactory())
    assert comment.spam_state == SpamState.CLEAR
    path, fields = checker.received[0]
    assert path == "/1.1/comment-check"
    assert fields["api_key"] == ["test-key"]
    assert fields["comment_content"] == ["<p>Such a good chapter.</p>"]
    assert fields["user_ip"] == ["198.51.100.4"]
    assert fields["comment_author_email"] == ["pat@example.org"]


def test_a_comment_the_checker_calls_spam_is_held(checker: type[FakeChecker]) -> None:
    checker.answer = b"true"
    comment = post_comment(WorkFactory())
    assert comment.spam_state == SpamState.HELD
    assert comment.held_because == "the spam checker called it spam"


def test_a_slow_checker_holds_the_comment(
    checker: type[FakeChecker], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spam, "CHECKER_TIMEOUT_SECONDS", 0.2)
    checker.delay = 4.0
    started = time.monotonic()
    comment = post_comment(WorkFactory())
    assert time.monotonic() - started < 3.0  # the archive did not wait for the checker
    assert comment.spam_state == SpamState.HELD
    assert comment.held_because == "the spam checker did not answer"
    assert comment.text == "<p>Such a good chapter.</p>"  # kept whole for a moderator


def test_a_checker_that_answers_nonsense_holds_the_comment(checker: type[FakeChecker]) -> None:
    checker.answer = b"<html>Invalid key</html>"
    assert post_comment(WorkFactory()).spam_state == SpamState.HELD


def test_a_checker_that_is_down_holds_the_comment(settings: pytest.FixtureRequest) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.FICSHELF_SPAM_CHECKER_URL = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    settings.FICSHELF_SPAM_CHECKER_KEY = "test-key"  # type: ignore[attr-defined]
    comment = post_comment(WorkFactory())
    assert comment.spam_state == SpamState.HELD
    assert comment.held_because == "the spam checker did not answer"


def test_without_a_key_the_checker_is_never_asked(
    checker: type[FakeChecker], settings: pytest.FixtureRequest
) -> None:
    settings.FICSHELF_SPAM_CHECKER_KEY = ""  # type: ignore[attr-defined]
    checker.answer = b"true"
    assert post_comment(WorkFactory()).spam_state == SpamState.CLEAR
    assert checker.received == []
