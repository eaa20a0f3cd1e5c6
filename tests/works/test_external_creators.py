"""Imported creators (pseuds without a user) have a page listing their works, through the
visibility rule, with an Atom feed; bylines link to it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from lxml import etree

from ficshelf.accounts.models import Pseud
from ficshelf.works.models import Creatorship
from tests.factories import PseudFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def imported(name: str = "ao3writer") -> Pseud:
    return PseudFactory(user=None, name=name)


def works_on(page: str) -> list[str]:
    return re.findall(r'id="work_\d+_title" href="[^"]*">([^<]*)</a>', page)


def test_a_byline_of_an_imported_creator_links_to_their_page(client: Client) -> None:
    pseud = imported()
    work = WorkFactory(title="Brought Over", creator=pseud)

    page = client.get(work.get_absolute_url()).content.decode()

    assert f'<a rel="author" href="/creators/{pseud.pk}/">ao3writer</a>' in page
    listing_page = client.get(f"/creators/{pseud.pk}/").content.decode()
    assert works_on(listing_page) == ["Brought Over"]


def test_creator_page_lists_only_what_the_visitor_may_see_and_counts_only_that(
    client: Client,
) -> None:
    pseud = imported()
    WorkFactory(title="Public One", creator=pseud)
    WorkFactory(title="Members Only", creator=pseud, restricted=True)
    WorkFactory(title="A Draft", creator=pseud, draft=True)
    WorkFactory(title="Hidden By Admin", creator=pseud, hidden=True)
    WorkFactory(title="Someone Else's")

    guest_page = client.get(f"/creators/{pseud.pk}/").content.decode()
    client.force_login(UserFactory())
    member_page = client.get(f"/creators/{pseud.pk}/").content.decode()

    assert works_on(guest_page) == ["Public One"]
    assert "1 Work<" in guest_page
    assert sorted(works_on(member_page)) == ["Members Only", "Public One"]
    assert "2 Works<" in member_page
    for hidden in ["A Draft", "Hidden By Admin", "Someone Else"]:
        assert hidden not in member_page


def test_a_creator_credited_only_on_what_the_visitor_cannot_see_is_a_404(client: Client) -> None:
    pseud = imported("secretname")
    WorkFactory(creator=pseud, restricted=True)
    WorkFactory(creator=imported("draftsonly"), draft=True)

    response = client.get(f"/creators/{pseud.pk}/")
    assert response.status_code == 404
    assert "secretname" not in response.content.decode()
    assert client.get(f"/creators/{pseud.pk + 1}/").status_code == 404
    assert client.get("/creators/999999/").status_code == 404


def test_a_members_pseud_has_no_creator_page(client: Client) -> None:
    pseud = PseudFactory(name="member")
    WorkFactory(creator=pseud)

    assert client.get(f"/creators/{pseud.pk}/").status_code == 404


def test_an_unaccepted_credit_does_not_list_the_work(client: Client) -> None:
    pseud = imported()
    WorkFactory(title="Credited", creator=pseud)
    invited_to = WorkFactory(title="Not Accepted")
    Creatorship.objects.create(work=invited_to, pseud=pseud, is_approved=False, position=1)

    assert works_on(client.get(f"/creators/{pseud.pk}/").content.decode()) == ["Credited"]


def test_creator_page_pages_its_works(client: Client) -> None:
    pseud = imported()
    for number in range(21):
        WorkFactory(title=f"Work {number:02}", creator=pseud)

    first = client.get(f"/creators/{pseud.pk}/").content.decode()
    second = client.get(f"/creators/{pseud.pk}/?page=2").content.decode()

    assert len(works_on(first)) == 20 and len(works_on(second)) == 1
    assert "21 Works" in first
    assert client.get(f"/creators/{pseud.pk}/?page=abc").status_code == 200


def test_creator_page_links_its_atom_feed_and_the_feed_lists_the_works(client: Client) -> None:
    pseud = imported()
    WorkFactory(title="Public One", creator=pseud)
    WorkFactory(title="Members Only", creator=pseud, restricted=True)

    page = client.get(f"/creators/{pseud.pk}/").content.decode()
    feed_url = f"/creators/{pseud.pk}/feed.atom"

    assert f'<link rel="alternate" type="application/atom+xml" href="{feed_url}"' in page
    assert f'<a href="{feed_url}" type="application/atom+xml">Atom feed' in page
    response = client.get(feed_url)
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    assert [e.findtext("a:title", namespaces=ATOM) for e in feed.findall("a:entry", ATOM)] == [
        "Public One"
    ]
    assert "ao3writer" in (feed.findtext("a:title", namespaces=ATOM) or "")


def test_feed_of_a_creator_with_nothing_visible_is_a_404(client: Client) -> None:
    pseud = imported()
    WorkFactory(creator=pseud, draft=True)

    assert client.get(f"/creators/{pseud.pk}/feed.atom").status_code == 404
