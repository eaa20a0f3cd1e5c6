"""Bookmarks of works hosted elsewhere (AO3's external works): the form, one row per
address, cleaning, refusals, where they show and never show, and what admins do."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.core.models import AuditEntry
from ficshelf.downloads import member_data
from ficshelf.social.external_works import (
    ExternalWorkDetails,
    NotAWebAddress,
    bookmark_external_work,
    checked_url,
    url_key,
)
from ficshelf.social.models import Bookmark, ExternalWork
from ficshelf.tags.models import Tag
from ficshelf.works.models import Work
from tests.admin_helpers import run_action
from tests.factories import UserFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

NEW = "social:bookmark_new_external_work"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(**overrides: str | list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "url": "https://elsewhere.example/works/42",
        "title": "The Far Story",
        "creator": "farwriter",
        "summary": "<p>It happens far away.</p>",
        "rating": "Mature",
        "warnings": ["No Archive Warnings Apply"],
        "fandoms": "Far Fandom",
        "relationships": "A/B",
        "characters": "A, B",
        "freeforms": "Road Trip",
        "notes": "<p>Worth it</p>",
        "tags": "faraway",
        "is_rec": "on",
    }
    data.update(overrides)
    return data


def words(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_a_member_bookmarks_an_external_work_with_its_details_and_tags() -> None:
    reader = UserFactory(username="farreader")
    response = signed_in(reader).post(reverse(NEW), form_data())
    assert response.status_code == 302
    external = ExternalWork.objects.get()
    assert external.title == "The Far Story" and external.creator == "farwriter"
    assert external.url_key == "elsewhere.example/works/42"
    assert set(external.tags.values_list("name", flat=True)) == {
        "Mature",
        "No Archive Warnings Apply",
        "Far Fandom",
        "A/B",
        "A",
        "B",
        "Road Trip",
    }
    bookmark = Bookmark.objects.get(user=reader)
    assert bookmark.external_work == external and bookmark.is_rec
    page = page_text(Client().get(reverse("social:user_bookmarks", args=["farreader"])))
    assert "The Far Story" in page and "(External Work)" in page and "Worth it" in page
    assert 'href="https://elsewhere.example/works/42"' in page


def test_one_row_per_address_shared_by_every_bookmarker() -> None:
    first, second = UserFactory(), UserFactory()
    signed_in(first).post(reverse(NEW), form_data())
    response = signed_in(second).post(
        reverse(NEW),
        form_data(url="http://WWW.Elsewhere.example/works/42/#chapter2", title="Renamed"),
    )
    assert response.status_code == 302
    external = ExternalWork.objects.get()
    assert external.title == "The Far Story"  # the first bookmarker's details stay
    assert Bookmark.objects.filter(external_work=external).count() == 2


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("https://Example.org/a/", "example.org/a"),
        ("http://www.example.org:80/a?x=1#top", "example.org/a?x=1"),
        ("https://example.org:8443/a", "example.org:8443/a"),
    ],
)
def test_addresses_are_normalised(typed: str, key: str) -> None:
    assert url_key(checked_url(typed)) == key


@pytest.mark.parametrize(
    "bad",
    [
        "javascript:alert(1)",
        "java\tscript:alert(1)",
        " JAVASCRIPT:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/a",
        "//example.org/a",
        "example.org/a",
        "https://",
    ],
)
def test_only_http_addresses_are_taken(bad: str) -> None:
    with pytest.raises(NotAWebAddress):
        checked_url(bad)


def test_a_refused_form_says_why_and_writes_nothing() -> None:
    reader = UserFactory()
    response = signed_in(reader).post(
        reverse(NEW), form_data(url="javascript:alert(1)", fandoms="")
    )
    page = page_text(response, 400)
    assert "starting with http:// or https://" in page
    assert "Add at least one fandom tag." in page
    assert not ExternalWork.objects.exists() and not Bookmark.objects.exists()
    assert not Tag.objects.filter(name="Road Trip").exists()


def test_guests_are_sent_to_sign_in() -> None:
    response = Client().post(reverse(NEW), form_data())
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not ExternalWork.objects.exists()


def test_external_fields_are_cleaned_and_escaped() -> None:
    reader = UserFactory(username="xssreader")
    signed_in(reader).post(
        reverse(NEW),
        form_data(
            title='<script>alert("t")</script>',
            creator='<img src=x onerror="alert(1)">',
            summary='<p onmouseover="alert(2)">Sum</p><script>alert(3)</script>'
            '<a href="javascript:alert(4)">link</a>',
            fandoms='<b onclick="alert(5)">Fan</b>',
            notes="<script>alert(6)</script><p>ok</p>",
        ),
    )
    external = ExternalWork.objects.get()
    assert "script" not in external.summary and "onmouseover" not in external.summary
    assert "javascript" not in external.summary
    html = Client().get(reverse("social:user_bookmarks", args=["xssreader"])).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html and "<b onclick" not in html
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in html


def test_external_works_are_never_works_here() -> None:
    reader = UserFactory()
    signed_in(reader).post(reverse(NEW), form_data())
    assert not Work.objects.exists()
    archive = page_text(Client().get(reverse("works:index")))
    assert "The Far Story" not in archive
    search = page_text(Client().get(reverse("search:search"), {"q": "Far Story"}))
    assert "The Far Story" not in search


def test_bookmark_search_finds_external_works_by_their_fields_and_tags() -> None:
    signed_in(UserFactory()).post(reverse(NEW), form_data())
    search = reverse("social:bookmark_search")
    assert "The Far Story" in page_text(Client().get(search, {"creator": "farwriter"}))
    assert "The Far Story" in page_text(Client().get(search, {"title": "far story"}))
    fandom = Tag.objects.get(name="Far Fandom")
    by_tag = page_text(Client().get(search, {"tag": fandom.pk}))
    assert "The Far Story" in by_tag and "Far Fandom (1)" in words(by_tag)


def test_bookmarking_a_shared_external_work_again_and_editing() -> None:
    first, second = UserFactory(), UserFactory()
    bookmark, _ = bookmark_external_work(
        actor=first,
        details=ExternalWorkDetails(
            url="https://elsewhere.example/1", title="Shared", creator="x", fandoms=["F"]
        ),
    )
    url = reverse("social:bookmark_external_work", args=[bookmark.external_work_id])
    assert "Shared" in page_text(signed_in(second).get(url))
    signed_in(second).post(url, {"notes": "mine too", "tags": "shared"})
    assert Bookmark.objects.get(user=second).notes == "mine too"
    signed_in(second).post(url, {"notes": "changed"})
    assert Bookmark.objects.get(user=second).notes == "changed"


def test_admin_hides_an_external_work_with_a_reason_and_it_is_audited(
    admin_client: Client,
) -> None:
    reader = UserFactory(username="hidereader")
    bookmark, _ = bookmark_external_work(
        actor=reader,
        details=ExternalWorkDetails(
            url="https://elsewhere.example/bad", title="Bad Link", creator="x", fandoms=["F"]
        ),
    )
    external = bookmark.external_work
    assert external is not None
    changelist = reverse("admin:social_externalwork_changelist")
    refused = run_action(admin_client, changelist, "hide", [external.pk], reason="")
    assert refused.status_code == 400
    external.refresh_from_db()
    assert not external.is_hidden_by_admin
    run_action(admin_client, changelist, "hide", [external.pk], reason="Malware site.")
    external.refresh_from_db()
    assert external.is_hidden_by_admin
    entry = AuditEntry.objects.get(action="hide external work")
    assert entry.reason == "Malware site."
    page = page_text(Client().get(reverse("social:user_bookmarks", args=["hidereader"])))
    assert "Bad Link" not in page
    own = page_text(signed_in(reader).get(reverse("social:my_bookmarks")))
    assert "Bad Link" not in own


def test_admin_edits_are_cleaned_and_audited(admin_client: Client) -> None:
    bookmark, _ = bookmark_external_work(
        actor=UserFactory(),
        details=ExternalWorkDetails(
            url="https://elsewhere.example/e", title="Typo Titel", creator="x", fandoms=["F"]
        ),
    )
    external = bookmark.external_work
    assert external is not None
    change = reverse("admin:social_externalwork_change", args=[external.pk])
    refused = admin_client.post(
        change, {"url": "javascript:alert(1)", "title": "T", "creator": "x", "summary": ""}
    )
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    external.refresh_from_db()
    assert external.url == "https://elsewhere.example/e" and external.title == "Typo Titel"
    response = admin_client.post(
        change,
        {
            "url": "https://elsewhere.example/e2",
            "title": "Typo Title",
            "creator": "x",
            "summary": "<p>Fine</p><script>x</script>",
        },
    )
    assert response.status_code == 302
    external.refresh_from_db()
    assert external.title == "Typo Title" and external.summary == "<p>Fine</p>"
    assert external.url_key == "elsewhere.example/e2"
    assert AuditEntry.objects.filter(target_id=str(external.pk)).exists()


def test_the_members_data_export_names_their_external_bookmarks() -> None:
    reader = UserFactory()
    bookmark_external_work(
        actor=reader,
        details=ExternalWorkDetails(
            url="https://elsewhere.example/mine", title="Mine Far", creator="x", fandoms=["F"]
        ),
        tags="keep",
    )
    data, _left_out = member_data.collect(reader, site_url="https://archive.example")
    [entry] = data["bookmarks"]
    assert entry["external_work"]["url"] == "https://elsewhere.example/mine"
    assert entry["tags"] == "keep"


def test_a_bookmark_of_an_external_work_can_be_reported_until_an_admin_hides_it() -> None:
    bookmark, _ = bookmark_external_work(
        actor=UserFactory(username="reportee"),
        details=ExternalWorkDetails(
            url="https://elsewhere.example/r", title="Reported", creator="x", fandoms=["F"]
        ),
        notes="<p>rude words</p>",
    )
    url = reverse("moderation:report_bookmark", args=[bookmark.pk])
    assert "rude words" in page_text(Client().get(url))
    ExternalWork.objects.filter(pk=bookmark.external_work_id).update(is_hidden_by_admin=True)
    assert Client().get(url).status_code == 404


def test_a_suspended_member_bookmarks_nothing() -> None:
    import datetime

    from django.utils import timezone

    member = UserFactory()
    member.suspended_until = timezone.now() + datetime.timedelta(days=3)
    member.suspension_reason = "Cooling off."
    member.save()
    response = signed_in(member).post(reverse(NEW), form_data())
    assert response.status_code == 403
    assert not ExternalWork.objects.exists() and not Bookmark.objects.exists()
