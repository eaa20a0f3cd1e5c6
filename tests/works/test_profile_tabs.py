"""The tabs of a member's pages (profile, works, series, bookmarks, gifts, collections,
stats) and what the series and collections tabs list: only through works the viewer may
see, and never through a work its collection keeps anonymous or unrevealed. An imported
creator's pages have the same shape."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.works.collection_items import add_work, create_collection, set_role
from ficshelf.works.collection_models import Collection, Role
from ficshelf.works.models import Series, SeriesWork, Work
from tests.factories import PseudFactory, UserFactory, WorkFactory
from tests.helpers import get_listing

pytestmark = pytest.mark.django_db


def writer(username: str = "wren") -> User:
    user = UserFactory(username=username)
    PseudFactory(user=user, name=username)
    return user


def work_by(user: User, title: str, **traits: object) -> Work:
    return WorkFactory(title=title, creator=user.pseuds.get(is_default=True), **traits)


def in_series(title: str, *works: Work) -> Series:
    series = Series.objects.create(title=title)
    for position, work in enumerate(works, start=1):
        SeriesWork.objects.create(series=series, work=work, position=position)
    return series


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def tab_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="profile-tabs".*?</nav>', html, re.S)
    assert nav, "the page has no profile tabs"
    return {
        text.strip(): href
        for href, text in re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', nav.group(0))
    }


def current_tab(html: str) -> str:
    nav = re.search(r'<nav class="profile-tabs".*?</nav>', html, re.S)
    assert nav
    found = re.search(r'aria-current="page">([^<]*)<', nav.group(0))
    assert found
    return found.group(1)


# ---- The tabs ----


def test_every_tab_page_of_a_member_links_every_tab(client: Client) -> None:
    writer()
    expected = {
        "Profile": "/users/wren/",
        "Works": "/users/wren/works/",
        "Series": "/users/wren/series/",
        "Bookmarks": "/users/wren/bookmarks/",
        "Gifts": "/users/wren/gifts/",
        "Collections": "/users/wren/collections/",
    }
    for path, tab in [
        ("/users/wren/", "Profile"),
        ("/users/wren/works/", "Works"),
        ("/users/wren/series/", "Series"),
        ("/users/wren/gifts/", "Gifts"),
        ("/users/wren/collections/", "Collections"),
    ]:
        response = get_listing(client, path) if tab == "Works" else client.get(path)
        html = response.content.decode()
        assert response.status_code == 200, path
        assert tab_links(html) == expected, path
        assert current_tab(html) == tab, path


def test_the_stats_tab_is_offered_to_the_member_alone(client: Client) -> None:
    member = writer()
    mine = signed_in(member).get("/users/wren/").content.decode()
    theirs = signed_in(writer("robin")).get("/users/wren/").content.decode()

    assert tab_links(mine)["Stats"] == "/users/wren/stats/"
    assert "Stats" not in tab_links(theirs)
    assert "Stats" not in tab_links(client.get("/users/wren/").content.decode())


def test_guests_see_a_way_to_log_in_to_subscribe(client: Client) -> None:
    writer()
    html = client.get("/users/wren/").content.decode()

    assert "Log in to subscribe" in html
    assert 'action="/subscriptions' not in html


def test_the_member_sees_a_link_to_edit_their_profile() -> None:
    member = writer()
    html = signed_in(member).get("/users/wren/").content.decode()

    assert reverse("accounts:edit_profile") in html
    assert "Report this profile" not in html


# ---- Series ----


def test_the_series_tab_lists_series_with_works_the_viewer_may_see(client: Client) -> None:
    member = writer()
    other = writer("robin")
    shared = work_by(member, "Open Sky")
    in_series(
        "Skies",
        shared,
        work_by(other, "Someone Else's Sky"),
        work_by(member, "Locked", restricted=True),
    )
    in_series("Members Only Series", work_by(member, "Behind The Door", restricted=True))
    in_series("Draft Series", work_by(member, "Not Yet", draft=True))
    in_series("Not Theirs", work_by(other, "Elsewhere"))

    guest = client.get("/users/wren/series/").content.decode()
    reader = signed_in(writer("reader")).get("/users/wren/series/").content.decode()

    assert "Skies" in guest and "Skies" in reader
    assert "Members Only Series" not in guest and "Members Only Series" in reader
    assert "Draft Series" not in guest and "Draft Series" not in reader
    assert "Not Theirs" not in guest
    # The counts are of what the viewer may see, as the series page lists them.
    assert "Works: 2 ·" in guest and "Works: 3 ·" in reader
    assert "1 Series" in guest and "2 Series" in reader


def test_a_work_in_an_anonymous_collection_does_not_lead_to_its_series(client: Client) -> None:
    member = writer()
    owner = writer("host")
    secret = work_by(member, "Anonymous Entry")
    in_series("Secret Series", secret)
    fest = create_collection(
        Collection(name="masked", title="Masked Fest", is_anonymous=True), owner=owner
    )
    add_work(fest, secret, actor=member)

    for viewer in (client, signed_in(writer("reader")), signed_in(member)):
        assert "Secret Series" not in viewer.get("/users/wren/series/").content.decode()


def test_an_imported_creator_has_works_and_series_tabs(client: Client) -> None:
    imported = PseudFactory(user=None, name="ao3writer")
    work = WorkFactory(title="Brought Over", creator=imported)
    in_series("Imported Series", work)

    works_page = client.get(reverse("works:external_creator", args=[imported.pk])).content.decode()
    series_page = client.get(
        reverse("works:external_creator_series", args=[imported.pk])
    ).content.decode()

    assert tab_links(works_page) == {
        "Works": f"/creators/{imported.pk}/",
        "Series": f"/creators/{imported.pk}/series/",
    }
    assert current_tab(works_page) == "Works" and current_tab(series_page) == "Series"
    assert "Brought Over" in works_page
    assert "Imported Series" in series_page


def test_an_imported_creator_with_only_hidden_works_has_no_series_page(client: Client) -> None:
    imported = PseudFactory(user=None, name="ao3writer")
    in_series(
        "Restricted Import", WorkFactory(title="Members Only", creator=imported, restricted=True)
    )

    response = client.get(reverse("works:external_creator_series", args=[imported.pk]))

    assert response.status_code == 404


# ---- Collections ----


def collection(name: str, owner: User, **settings: object) -> Collection:
    return create_collection(Collection(name=name, title=name.title(), **settings), owner=owner)


def test_the_collections_tab_lists_collections_run_by_the_member(client: Client) -> None:
    member = writer()
    host = writer("host")
    collection("owned", member)
    moderated = collection("helped", host)
    set_role(moderated, member, Role.MODERATOR, actor=host)
    joined = collection("joined", host)
    set_role(joined, member, Role.MEMBER, actor=host)

    html = client.get("/users/wren/collections/").content.decode()

    assert "Owned" in html and "Owner" in html
    assert "Helped" in html and "Moderator" in html
    assert "Joined" not in html  # a plain member of it, with no work there


def test_the_collections_tab_lists_collections_holding_works_the_viewer_may_see(
    client: Client,
) -> None:
    member = writer()
    host = writer("host")
    public_fest = collection("openfest", host)
    add_work(public_fest, work_by(member, "In The Open"), actor=member)
    members_fest = collection("membersfest", host)
    add_work(members_fest, work_by(member, "Members Only", restricted=True), actor=member)
    masked = collection("masked", host, is_anonymous=True)
    add_work(masked, work_by(member, "Masked Entry"), actor=member)
    hidden = collection("unrevealed", host, is_unrevealed=True)
    add_work(hidden, work_by(member, "Waiting Entry"), actor=member)

    guest = client.get("/users/wren/collections/").content.decode()
    reader = signed_in(writer("reader")).get("/users/wren/collections/").content.decode()

    assert "Openfest" in guest and "1 work by wren here" in guest
    assert "Membersfest" not in guest and "Membersfest" in reader
    for page in (guest, reader):
        assert "Masked" not in page
        assert "Unrevealed" not in page


def test_tab_pages_of_unknown_or_closed_accounts_are_not_found(client: Client) -> None:
    UserFactory(username="gone", is_active=False)
    for path in ("/users/nobody/series/", "/users/gone/series/", "/users/gone/collections/"):
        assert client.get(path).status_code == 404
