"""Two app servers on one PostgreSQL database and one Redis, as docs/self-hosting.md sets
them up: real ``ficshelf serve`` processes with data folders of their own, one running the
worker and one web-only. What a reader or an admin does on one shows on the other at once:
a logout, a hide, an edit, a new work, a delete; a PDF asked for through the web-only server
arrives; search takes in a change made on the web-only server within seconds.

Needs DATABASE_URL=postgres://... and FICSHELF_TEST_REDIS_URL (a Redis database the test
may empty: only that one is flushed). Without them it skips, except in CI on PostgreSQL
(FICSHELF_REQUIRE_FIXTURES=1), where it fails.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
from django_otp.oath import TOTP

from tests.core.check_deploy import run_check_deploy
from tests.core.processes import (
    ON_POSTGRES,
    Archive,
    archive_in,
    free_port,
    postgres_database,
    serve,
    wait_until,
)

REDIS_URL = os.environ.get("FICSHELF_TEST_REDIS_URL", "")
PASSWORD = "a long and quiet harbour"
# Long enough for the worker to take a drain (it looks every second) on a loaded CI machine;
# the periodic drain (every 30 s) is off on both servers, so only the drain the change
# asked for can empty the queue in time.
SEARCH_SECONDS = 10


def _require_two_server_setup() -> None:
    if ON_POSTGRES and REDIS_URL:
        return
    reason = (
        "needs DATABASE_URL=postgres://... and FICSHELF_TEST_REDIS_URL=redis://host:6379/N "
        "(a Redis database the test may empty)"
    )
    if ON_POSTGRES and os.environ.get("FICSHELF_REQUIRE_FIXTURES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


# ---- A visitor's browser, without JavaScript ----


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is an answer to look at, not to follow


@dataclass
class Page:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


class Visitor:
    """One person's browser: cookies kept across requests, to whichever server."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects()
        )

    def get(self, url: str, **headers: str) -> Page:
        return self._open(urllib.request.Request(url, headers=headers))

    def post(self, url: str, fields: dict[str, list[str]]) -> Page:
        fields = {"csrfmiddlewaretoken": [self._csrf_token()], **fields}
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        return self._open(urllib.request.Request(url, data=data, method="POST"))

    def submit(self, url: str, *, having: str, changes: dict[str, str | list[str]]) -> Page:
        """Fill in the form on ``url`` that has the field ``having`` and send it, as a
        browser would: what the page holds, with ``changes`` made."""
        page = self.get(url)
        assert page.status == 200, f"{url} answered {page.status}"
        form = next(f for f in lxml.html.fromstring(page.text).forms if having in f.fields)
        sent: dict[str, list[str]] = {}
        for name, value in form.form_values():
            sent.setdefault(name, []).append(value)
        for name, value in changes.items():
            sent[name] = [value] if isinstance(value, str) else value
        action = urllib.parse.urljoin(url, form.action or url)
        return self.post(action, sent)

    def sign_in(self, server: str, username: str) -> None:
        answer = self.submit(
            f"{server}/accounts/login/",
            having="password",
            changes={"username": username, "password": PASSWORD},
        )
        assert answer.status == 302, answer.text

    def _csrf_token(self) -> str:
        return next(c.value or "" for c in self.cookies if c.name == "csrftoken")

    def _open(self, request: urllib.request.Request) -> Page:
        try:
            with self.opener.open(request, timeout=60) as response:
                return Page(int(response.status), dict(response.headers), response.read())
        except urllib.error.HTTPError as answer:
            return Page(answer.code, dict(answer.headers), answer.read())


# ---- Two servers ----


@dataclass
class Servers:
    worker: str  # the address of the server that runs the worker
    web_only: str  # the address of the one that does not (serve --no-worker)
    archives: tuple[Archive, Archive]

    def django(self, code: str) -> str:
        return self.archives[0].django(code)


ADMIN_TOTP_KEY = "3132333435363738393031323334353637383930"
SEED = f"""
from ficshelf.accounts.models import Pseud, User
for name, is_admin in [("wren", False), ("harbourmaster", True)]:
    user = User.objects.create_user(name, f"{{name}}@example.org", {PASSWORD!r},
                                    is_staff=is_admin, is_superuser=is_admin)
    Pseud.objects.create(user=user, name=name, is_default=True)
# The admin signs in with two-factor, as every admin must (an authenticator of a known key).
from django_otp.plugins.otp_totp.models import TOTPDevice
TOTPDevice.objects.create(user=User.objects.get(username="harbourmaster"), name="app",
                          key={ADMIN_TOTP_KEY!r}, confirmed=True)
"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    _require_two_server_setup()
    import redis

    cache = redis.Redis.from_url(REDIS_URL)
    cache.flushdb()  # this database only: the test's own
    folder = tmp_path_factory.mktemp("two-servers")
    shared = {
        "REDIS_URL": REDIS_URL,
        "FICSHELF_SECRET_KEY": secrets.token_urlsafe(50),
        "FICSHELF_SEARCH_BACKEND": "ficshelf.search.backends.postgres.PostgresBackend",
        "FICSHELF_SERVERS": "2",
        "FICSHELF_PDF_PROCESSES": "1",
    }
    with ExitStack() as stack:
        url = stack.enter_context(postgres_database(os.environ["DATABASE_URL"]))
        first = stack.enter_context(archive_in(folder / "first", url, shared))
        second = stack.enter_context(archive_in(folder / "second", url, shared))
        first.django(SEED)
        worker_port, web_port = free_port(), free_port()
        serve(first, worker_port, "--no-schedule")
        serve(second, web_port, "--no-worker")
        yield Servers(
            worker=f"http://127.0.0.1:{worker_port}",
            web_only=f"http://127.0.0.1:{web_port}",
            archives=(first, second),
        )
    cache.flushdb()


def new_work(servers: Servers, title: str, text: str = "The tide came in.") -> int:
    code = f"""
from tests.factories import WorkFactory
from ficshelf.accounts.models import User
wren = User.objects.get(username="wren")
work = WorkFactory(title={title!r}, creator=wren.pseuds.get(is_default=True))
work.chapters.update(text={f"<p>{text}</p>"!r})
work.save()
print(work.pk)
"""
    return int(servers.django(code))


def lists(server: str, title: str) -> bool:
    return title in Visitor().get(f"{server}/works/").text


def finds(server: str, word: str, title: str) -> bool:
    return title in Visitor().get(f"{server}/search/?q={word}").text


def index_holds(servers: Servers, work_id: int) -> bool:
    """Whether the index has every change to the work but its hits (which wait for the
    periodic drain, off here)."""
    rows = servers.archives[0].query(
        "SELECT count(*) FROM search_indexqueueentry WHERE work_id = ? AND NOT counters_only",
        [work_id],
    )
    return rows == [(0,)]


# ---- What one server does, the other shows ----


def test_a_logout_on_one_server_ends_the_session_on_the_other(servers: Servers) -> None:
    reader = Visitor()
    reader.sign_in(servers.worker, "wren")
    assert reader.get(f"{servers.web_only}/dashboard/").status == 200  # one session for both

    assert reader.post(f"{servers.worker}/accounts/logout/", {}).status == 302

    after = reader.get(f"{servers.web_only}/dashboard/")
    assert after.status == 302
    assert "/accounts/login/" in after.headers["Location"]


def test_a_hide_on_one_server_shows_on_the_other_at_once(servers: Servers) -> None:
    work_id = new_work(servers, "Lanterns Over Saltmarsh", "The saltmarsh lanterns burned.")
    work_page = f"{servers.web_only}/works/{work_id}/"
    assert Visitor().get(work_page).status == 200
    assert lists(servers.web_only, "Lanterns Over Saltmarsh")
    assert wait_until(lambda: finds(servers.web_only, "saltmarsh", "Lanterns"), SEARCH_SECONDS)

    admin = Visitor()
    admin.sign_in(servers.worker, "harbourmaster")
    code = TOTP(bytes.fromhex(ADMIN_TOTP_KEY)).token()
    verified = admin.submit(
        f"{servers.worker}/accounts/two-factor/verify/",
        having="code",
        changes={"code": f"{code:06d}"},
    )
    assert verified.status == 302, verified.text
    hidden = admin.post(
        f"{servers.worker}/admin/works/work/",
        {
            "action": ["hide"],
            "_selected_action": [str(work_id)],
            "select_across": ["0"],
            "reason": ["Breaks the archive's rules."],
            "confirm_with_reason": ["yes"],
        },
    )
    assert hidden.status == 302, hidden.text

    assert Visitor().get(work_page).status == 404
    assert not lists(servers.web_only, "Lanterns Over Saltmarsh")
    assert not finds(servers.web_only, "saltmarsh", "Lanterns")
    audit = servers.archives[0].query(
        "SELECT action, reason FROM core_auditentry WHERE target_id = ?", [str(work_id)]
    )
    assert audit == [("hide", "Breaks the archive's rules.")]


def test_an_edit_on_the_web_only_server_shows_on_the_other_and_reaches_search(
    servers: Servers,
) -> None:
    work_id = new_work(servers, "Before The Edit")
    creator = Visitor()
    creator.sign_in(servers.web_only, "wren")
    assert Visitor().get(f"{servers.worker}/works/{work_id}/").status == 200
    assert wait_until(lambda: index_holds(servers, work_id), SEARCH_SECONDS)

    edited = creator.submit(
        f"{servers.web_only}/works/{work_id}/edit/",
        having="title",
        # The factory's work has no fandom or warning yet; the form asks for them.
        changes={
            "title": "Quillfeather Crossing",
            "warnings": ["No Archive Warnings Apply"],
            "fandoms": "Original Work",
            "action": "post",
        },
    )
    assert edited.status == 302, edited.text

    page = Visitor().get(f"{servers.worker}/works/{work_id}/")
    assert "Quillfeather Crossing" in page.text
    assert lists(servers.worker, "Quillfeather Crossing")
    assert not lists(servers.worker, "Before The Edit")
    # The drain the web-only server asked for reached the worker on the other server (the
    # periodic one is off); search then answers from the index itself.
    assert wait_until(lambda: index_holds(servers, work_id), SEARCH_SECONDS)
    assert finds(servers.worker, "quillfeather", "Quillfeather Crossing")
    assert finds(servers.web_only, "quillfeather", "Quillfeather Crossing")


def test_a_new_work_posted_on_one_server_shows_on_the_other(servers: Servers) -> None:
    creator = Visitor()
    creator.sign_in(servers.web_only, "wren")

    posted = creator.submit(
        f"{servers.web_only}/works/new/",
        having="title",
        changes={
            "title": "Marram Grass Ballad",
            "rating": "General Audiences",
            "warnings": ["No Archive Warnings Apply"],
            "fandoms": "Original Work",
            "text_format": "html",
            "text": "<p>Marram grass held the dune together.</p>",
            "action": "post",
        },
    )

    assert posted.status == 302, posted.text
    work_id = int(re.findall(r"/works/(\d+)/", posted.headers["Location"])[0])
    assert "Marram Grass Ballad" in Visitor().get(f"{servers.worker}/works/{work_id}/").text
    assert lists(servers.worker, "Marram Grass Ballad")
    assert wait_until(lambda: index_holds(servers, work_id), SEARCH_SECONDS)
    assert finds(servers.worker, "marram", "Marram Grass Ballad")


def test_a_delete_on_one_server_shows_on_the_other_at_once(servers: Servers) -> None:
    work_id = new_work(servers, "Driftwood Almanac", "Driftwood piled on the shingle.")
    assert lists(servers.web_only, "Driftwood Almanac")
    assert wait_until(lambda: finds(servers.web_only, "driftwood", "Driftwood"), SEARCH_SECONDS)
    creator = Visitor()
    creator.sign_in(servers.worker, "wren")

    assert creator.post(f"{servers.worker}/works/{work_id}/delete/", {}).status == 302

    assert Visitor().get(f"{servers.web_only}/works/{work_id}/").status == 404
    assert not lists(servers.web_only, "Driftwood Almanac")
    assert not finds(servers.web_only, "driftwood", "Driftwood")


def test_a_pdf_asked_for_through_the_web_only_server_arrives(servers: Servers) -> None:
    work_id = new_work(servers, "Lighthouse Keeper's Log")
    reader = Visitor()
    pdf = f"{servers.web_only}/downloads/{work_id}/log.pdf"
    assert reader.get(pdf).status == 202  # the worker, on the other server, makes it

    def arrived() -> bool:
        page = reader.get(pdf)  # the "being prepared" page asks again, as a browser would
        return page.status == 200

    assert wait_until(arrived, timeout=120)
    here = reader.get(pdf)
    # Behind one public address, as a load balancer sends it: the work's address is in the
    # file, so a server asked under another address makes a file of its own.
    public = urllib.parse.urlsplit(servers.web_only).netloc
    there = reader.get(f"{servers.worker}/downloads/{work_id}/log.pdf", Host=public)
    assert here.headers["Content-Type"] == "application/pdf"
    assert here.body.startswith(b"%PDF-")
    assert int(here.headers["Content-Length"]) == len(here.body)
    assert there.body == here.body
    assert there.headers["ETag"] == here.headers["ETag"]
    assert reader.get(pdf, **{"If-None-Match": here.headers["ETag"]}).status == 304
    # Kept in the database; each server also keeps a copy of what it sent, by digest.
    digest = here.headers["ETag"].strip('"')
    for archive in servers.archives:
        assert not list((archive.folder / "downloads").rglob("*.pdf"))
        copy = archive.folder / "downloads" / "made" / digest
        assert wait_until(copy.exists, timeout=10)  # renamed into place once all was sent


def test_both_servers_are_seen_and_check_deploy_wants_what_they_must_share(
    servers: Servers,
) -> None:
    first = servers.archives[0]
    assert first.query("SELECT count(*) FROM core_appserver", []) == [(2,)]
    assert "ficshelf.E" not in _deploy_check(first.env)

    undeclared = {k: v for k, v in first.env.items() if k not in ("REDIS_URL", "FICSHELF_SERVERS")}
    output = _deploy_check(undeclared)
    assert "(ficshelf.E011) 2 servers ran on this database in the last 5 minutes" in output
    assert str(servers.archives[1].folder) in output


def _deploy_check(env: dict[str, str]) -> str:
    done = run_check_deploy(env)
    return done.stdout + done.stderr


def test_the_servers_are_started_with_what_they_share(tmp_path: Path) -> None:
    """The fixture's promise, kept honest: a server left without Redis says so at start."""
    _require_two_server_setup()
    with postgres_database(os.environ["DATABASE_URL"]) as url:
        environment = {"FICSHELF_SERVERS": "2", "REDIS_URL": ""}
        with archive_in(tmp_path, url, environment) as archive:
            process = serve(archive, free_port(), "--no-worker")
            output = archive.output_of(process)
    assert "FICSHELF_SERVERS is 2, but REDIS_URL is not set" in output
    assert "(ficshelf.E011)" in output
