"""People search (/people/search/): members and imported creators by name or pseud and by
the fandoms they write in, with the works the viewer may see; anonymous and unrevealed
works never give a creator away, banned members are not found."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ficshelf.accounts.models import Pseud, User
from ficshelf.tags.models import Tag
from ficshelf.works.people_search import PEOPLE_PER_PAGE
from tests.factories import PseudFactory, UserFactory
from tests.helpers import page_text
from tests.tags.factories import fandom, meta, synonym, work_tagged

pytestmark = pytest.mark.django_db


def search(client: Client, status: int = 200, **params: str) -> str:
    return page_text(client.get("/people/search/", params), status=status)


def found(html: str) -> list[str]:
    """Each person listed: "byline: N works", in order."""
    if 'class="finder-results"' not in html:
        assert "Nobody matches" in html
        return []
    results = html.split('class="finder-results"', 1)[1].split("</ul>", 1)[0]
    rows = re.findall(
        r'rel="author" href="[^"]+">([^<]+)</a></span>\s*<span[^>]*>(\d+) works?', results
    )
    return [f"{name}: {count}" for name, count in rows]


def member(name: str, **fields: object) -> Pseud:
    user: User = UserFactory(username=name, **fields)
    return PseudFactory(user=user, name=name)


def external(name: str) -> Pseud:
    return PseudFactory(user=None, name=name)


def test_finds_by_name_prefixes_first_then_contains(client: Client) -> None:
    member("quillwright"), member("inkquill"), member("rainfall")
    assert found(search(client, name="quill")) == ["quillwright: 0", "inkquill: 0"]


def test_finds_a_pseud_and_its_member_by_either_name(client: Client) -> None:
    writer = member("quillwright")
    PseudFactory(user=writer.user, name="Moth", is_default=False)
    assert found(search(client, name="moth")) == ["Moth (quillwright): 0"]
    assert "Moth (quillwright): 0" in found(search(client, name="quillw"))


def test_counts_are_the_works_the_viewer_may_see(client: Client) -> None:
    writer = member("quillwright")
    work_tagged(creator=writer)
    work_tagged(creator=writer, restricted=True)
    work_tagged(creator=writer, draft=True)
    work_tagged(creator=writer, hidden=True)
    assert found(search(client, name="quill")) == ["quillwright: 1"]
    client.force_login(UserFactory())
    assert found(search(client, name="quill")) == ["quillwright: 2"]


def test_finds_by_fandom_through_visible_works_and_fandom_wrangling(client: Client) -> None:
    show = fandom("Lighthouse (TV)")
    films = fandom("Lighthouse Films")
    meta(films, show)  # the films are a sub fandom: filtering by the show finds them
    a, b, c, d = member("annabel"), member("bertram"), member("cosima"), member("dorian")
    work_tagged(show, creator=a)
    work_tagged(synonym("lighthouse tv", of=show), creator=b)
    work_tagged(films, creator=c)
    work_tagged(show, creator=d, draft=True)
    work_tagged(show, creator=d, restricted=True)
    assert found(search(client, fandom="Lighthouse (TV)")) == [
        "annabel: 1",
        "bertram: 1",
        "cosima: 1",
    ]
    client.force_login(UserFactory())
    assert "dorian: 1" in found(search(client, fandom="lighthouse (tv)"))


def test_results_name_the_fandoms_they_write_in(client: Client) -> None:
    writer = member("quillwright")
    show, sea = fandom("Lighthouse (TV)"), fandom("Sea Stories")
    work_tagged(show, creator=writer)
    work_tagged(show, creator=writer)
    work_tagged(sea, creator=writer)
    work_tagged(fandom("Secret Fandom"), creator=writer, draft=True)
    html = search(client, name="quill")
    assert re.search(r"Writes in <a[^>]+>Lighthouse \(TV\)</a>, <a[^>]+>Sea Stories</a>", html)
    assert "Secret Fandom" not in html


def test_anonymous_and_unrevealed_works_never_reveal_their_creator(client: Client) -> None:
    show = fandom("Lighthouse (TV)")
    shy, hidden = member("shyling"), member("hiddenhand")
    work_tagged(show, creator=shy, in_anonymous_collection=True)
    work_tagged(show, creator=hidden, in_unrevealed_collection=True)
    client.force_login(UserFactory())
    assert found(search(client, fandom="Lighthouse (TV)")) == []
    assert found(search(client, name="shyling")) == ["shyling: 0"]
    assert "Lighthouse" not in search(client, name="shyling")
    # Not even their own search shows the anonymous work as theirs.
    client.force_login(shy.user)
    assert found(search(client, fandom="Lighthouse (TV)")) == []


def test_imported_creators_are_found_once_a_visible_work_credits_them(client: Client) -> None:
    old, unseen = external("oldscribe"), external("oldhidden")
    work_tagged(creator=old)
    work_tagged(creator=unseen, draft=True)
    html = search(client, name="old")
    assert found(html) == ["oldscribe: 1"]
    assert f'href="/creators/{old.pk}/"' in html and "imported creator" in html


def test_banned_members_are_not_found_suspended_ones_are(client: Client) -> None:
    member("bannedbard", is_active=False)
    member("pausedpoet", suspended_until=timezone.now() + datetime.timedelta(days=3))
    assert found(search(client, name="b")) == []
    assert found(search(client, name="poet")) == ["pausedpoet: 0"]


def test_results_are_paged_keeping_the_search(client: Client) -> None:
    for number in range(PEOPLE_PER_PAGE + 2):
        member(f"scribe{number:03d}")
    first = search(client, name="scribe")
    assert len(found(first)) == PEOPLE_PER_PAGE and 'href="?name=scribe&page=2"' in first
    second = search(client, name="scribe", page="2")
    assert found(second) == ["scribe020: 0", "scribe021: 0"]


def test_an_unknown_fandom_is_a_clear_400_and_no_results(client: Client) -> None:
    html = search(client, status=400, fandom="No Such Fandom")
    assert "There is no fandom named “No Such Fandom”." in html and "found" not in html


def test_a_fandom_only_on_drafts_is_unknown(client: Client) -> None:
    work_tagged(fandom("Secret Fandom", is_canonical=False), draft=True)
    assert "There is no fandom named" in search(client, status=400, fandom="Secret Fandom")
    assert Tag.objects.filter(name="Secret Fandom").exists()


def test_names_are_escaped(client: Client) -> None:
    external("<b>bold</b>")
    work_tagged(creator=Pseud.objects.get(name="<b>bold</b>"))
    html = client.get("/people/search/", {"name": "bold"}).content.decode()
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_a_page_of_people_costs_the_same_queries_however_many_are_on_it(client: Client) -> None:
    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            search(client, name="scribe")
        return len(captured.captured_queries)

    show = fandom("Lighthouse (TV)")
    for number in range(2):
        work_tagged(show, creator=member(f"scribe{number:03d}"))
    queries_for_page()  # what a process keeps after its first page (the menus) is kept now
    few = queries_for_page()
    for number in range(2, PEOPLE_PER_PAGE):
        work_tagged(show, creator=member(f"scribe{number:03d}"))
    assert queries_for_page() == few


def test_shows_each_members_icon_with_its_alt_text_and_none_for_imported_creators(
    client: Client,
) -> None:
    from ficshelf.accounts import actions as account_actions
    from tests.accounts.images import png_bytes

    lamp = member("quill-lamp")
    account_actions.set_pseud_icon(lamp, image=png_bytes(100, 100), alt="A lighthouse")
    member("quill-bare")
    external("quill-imported")
    html = search(client, name="quill")
    icon = lamp.icon
    assert f'src="/users/quill-lamp/icons/{lamp.pk}/{icon.digest}.png" alt="A lighthouse"' in html
    assert html.count('class="pseud-icon') == 1  # the others have none
    assert client.get(f"/users/quill-lamp/icons/{lamp.pk}/{icon.digest}.png").status_code == 200


def test_icons_cost_no_query_per_row(client: Client) -> None:
    from ficshelf.accounts import actions as account_actions
    from tests.accounts.images import png_bytes

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            search(client, name="quill")
        return len(captured.captured_queries)

    first = member("quill-0")
    account_actions.set_pseud_icon(first, image=png_bytes(100, 100), alt="one")
    queries()  # what a first page keeps (the fandom list) out of the count
    one_row = queries()
    for n in range(1, 6):
        more = member(f"quill-{n}")
        account_actions.set_pseud_icon(more, image=png_bytes(100, 100), alt=f"icon {n}")
    html = search(client, name="quill")
    assert html.count('class="pseud-icon') == 6
    assert queries() == one_row
