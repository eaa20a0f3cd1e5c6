"""Limits through the real server under a burst: ``ficshelf serve`` with two web processes
on its embedded cache, 40 requests sent at once from one address. Exactly the limit gets
through, for logins and for guest comments, and nothing of a refused one is saved."""

from __future__ import annotations

import http.client
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from ficshelf.accounts.login_limits import BY_ADDRESS_AND_USERNAME
from ficshelf.core.form_guards import HONEYPOT_FIELD, STARTED_FIELD
from ficshelf.social.views import COMMENT_LIMIT_PER_ADDRESS
from tests.core.processes import archive_in, free_port, serve, sqlite_run_only

BURST = 40

SETUP = """
from tests.factories import UserFactory, WorkFactory
UserFactory(username="target")
work = WorkFactory()
print(work.pk, work.chapters.get().pk)
"""


class Browser:
    """One visitor's cookies and CSRF token, as a browser holds them."""

    def __init__(self, port: int) -> None:
        self.port = port
        status, headers, body = self.request("GET", "/accounts/login/")
        assert status == 200
        cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert cookie and token
        self.cookie = f"csrftoken={cookie.group(1)}"
        self.token = token.group(1).decode()

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """One request, redirects not followed: the answer as it came."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": getattr(self, "cookie", "")}
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.token})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def burst(self, path: str, forms: list[dict[str, str]]) -> list[int]:
        """The forms posted all at once, one connection each; the statuses answered."""
        start = threading.Barrier(len(forms))

        def post(form: dict[str, str]) -> int:
            start.wait()
            return self.request("POST", path, form)[0]

        with ThreadPoolExecutor(len(forms)) as pool:
            return list(pool.map(post, forms))


@sqlite_run_only
def test_a_burst_gets_exactly_the_limit_through_two_web_processes(tmp_path: Path) -> None:
    with archive_in(tmp_path) as archive:
        work_id, chapter_id = archive.django(SETUP).split()
        port = free_port()
        serve(archive, port, "--workers", "2")
        browser = Browser(port)

        logins = browser.burst(
            "/accounts/login/",
            [{"username": "target", "password": f"guess {n}"} for n in range(BURST)],
        )
        # Past the spam guard, with a stamp the archive's own key signed a minute ago.
        stamp = archive.django(
            "import time; from ficshelf.core.form_guards import fresh_stamp; "
            "print(fresh_stamp(time.time() - 60))"
        )
        comments = browser.burst(
            f"/works/{work_id}/chapters/{chapter_id}/comments/",
            [
                {
                    "text": f"Comment {n}",
                    "guest_name": "Pat",
                    "guest_email": "pat@example.org",
                    HONEYPOT_FIELD: "",
                    STARTED_FIELD: stamp,
                }
                for n in range(BURST)
            ],
        )
        saved = archive.query("SELECT COUNT(*) FROM social_comment", [])[0][0]

    limit = BY_ADDRESS_AND_USERNAME.limit
    # A wrong password is answered 200 (the form again), a refusal 429.
    assert sorted(logins) == [200] * limit + [429] * (BURST - limit)
    assert sorted(comments) == [302] * COMMENT_LIMIT_PER_ADDRESS + [429] * (
        BURST - COMMENT_LIMIT_PER_ADDRESS
    )
    assert saved == COMMENT_LIMIT_PER_ADDRESS
