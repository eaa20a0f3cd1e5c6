"""Work skins: writing one, choosing it for a work, its stylesheet, readers turning it off,
and the podfic and art fields on the form, the work page and blurbs."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import Preference, User
from ficshelf.works.models import Work, WorkSkin
from tests.helpers import page_text
from tests.works.factories_posting import posted_work, work_form_data, writer

pytestmark = pytest.mark.django_db

GOOD_CSS = ".letter { font-style: italic; color: #336 } body p { margin: 0 }"


@pytest.fixture
def author(client: Client) -> User:
    user = writer()
    client.force_login(user)
    return user


def write_skin(client: Client, title: str = "Letters", css: str = GOOD_CSS) -> object:
    return client.post(reverse("works:skin_new"), {"title": title, "css": css})


def test_a_creator_writes_a_work_skin_and_it_is_kept_cleaned(client: Client, author: User) -> None:
    response = write_skin(client)
    skin = WorkSkin.objects.get(owner=author)
    assert response.status_code == 302
    assert skin.css == (
        "#workskin .letter {\n  font-style: italic;\n  color: #336;\n}\n\n"
        "#workskin p {\n  margin: 0;\n}\n"
    )
    assert "Letters" in page_text(client.get(reverse("works:skins")))


def test_hostile_css_is_refused_with_reasons_and_nothing_is_written(
    client: Client, author: User
) -> None:
    response = write_skin(client, css="p { behavior: url(x.htc); position: fixed }")
    text = page_text(response, status=400)
    assert "Nothing was saved" in text
    assert "behavior" in text and "position: fixed" in text
    assert not WorkSkin.objects.exists()


def test_a_skin_title_is_shown_escaped(client: Client, author: User) -> None:
    write_skin(client, title="<script>alert(1)</script>")
    html = client.get(reverse("works:skins")).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_another_member_can_neither_see_nor_change_a_skin(client: Client, author: User) -> None:
    write_skin(client)
    skin = WorkSkin.objects.get()
    client.force_login(writer("other"))
    assert client.get(reverse("works:skin_edit", args=[skin.pk])).status_code == 404
    edit = client.post(reverse("works:skin_edit", args=[skin.pk]), {"title": "x", "css": ""})
    delete = client.post(reverse("works:skin_delete", args=[skin.pk]))
    assert edit.status_code == delete.status_code == 404
    skin.refresh_from_db()
    assert skin.title == "Letters" and skin.css


def test_a_suspended_member_writes_no_skin(client: Client, author: User) -> None:
    author.suspended_until = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
    author.save()
    assert write_skin(client).status_code == 403
    assert not WorkSkin.objects.exists()


def test_the_posting_form_offers_only_the_members_own_skins(client: Client, author: User) -> None:
    mine = WorkSkin.objects.create(owner=author, title="Mine", css="")
    theirs = WorkSkin.objects.create(owner=writer("other"), title="Theirs", css="")
    html = client.get(reverse("works:new")).content.decode()
    assert f'value="{mine.pk}"' in html and "Theirs" not in html
    response = client.post(reverse("works:new"), work_form_data(work_skin=theirs.pk))
    assert "Select a valid choice" in page_text(response, status=200)
    assert not Work.objects.exists()


def _work_with_skin(client: Client, author: User) -> Work:
    write_skin(client)
    skin = WorkSkin.objects.get()
    client.post(reverse("works:new"), work_form_data(work_skin=skin.pk))
    work = Work.objects.get()
    assert work.work_skin == skin
    return work


def test_the_work_page_links_the_skin_by_its_digest(client: Client, author: User) -> None:
    work = _work_with_skin(client, author)
    skin = work.work_skin
    assert skin is not None
    html = Client().get(work.get_absolute_url()).content.decode()
    assert f'<link rel="stylesheet" href="{skin.stylesheet_url()}">' in html
    assert f"/{skin.version}.css" in skin.stylesheet_url()
    assert '<div id="workskin" class="has-work-skin">' in html
    assert "Hide creator&#x27;s style" in html or "Hide creator's style" in html


def test_the_stylesheet_is_served_as_css_kept_for_a_year(client: Client, author: User) -> None:
    work = _work_with_skin(client, author)
    skin = work.work_skin
    assert skin is not None
    response = Client().get(skin.stylesheet_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert (
        "immutable" in response["Cache-Control"] and "max-age=31536000" in response["Cache-Control"]
    )
    assert response.content.decode() == skin.css
    old = Client().get(reverse("works:skin_stylesheet", args=[skin.pk, "0" * 16]))
    assert old.status_code == 302 and old["Location"] == skin.stylesheet_url()


def test_a_guest_turns_the_creators_style_off_and_on(client: Client, author: User) -> None:
    work = _work_with_skin(client, author)
    guest = Client()
    off = guest.get(work.get_absolute_url() + "?style=disable").content.decode()
    assert "work-skins/" not in off.split("</head>")[0]
    assert 'class="has-work-skin"' not in off
    assert f'href="{work.get_absolute_url()}">Show creator' in off
    on = guest.get(work.get_absolute_url()).content.decode()
    assert "work-skins/" in on.split("</head>")[0]
    assert f'href="{work.get_absolute_url()}?style=disable">Hide creator' in on


def test_a_member_who_hides_work_skins_sees_none_unless_asked(client: Client, author: User) -> None:
    work = _work_with_skin(client, author)
    reader = writer("reader")
    Preference.objects.create(user=reader, hide_work_skins=True)
    client.force_login(reader)
    html = client.get(work.get_absolute_url()).content.decode()
    assert "work-skins/" not in html.split("</head>")[0]
    assert "?style=creator" in html
    asked = client.get(work.get_absolute_url() + "?style=creator").content.decode()
    assert "work-skins/" in asked.split("</head>")[0]


def test_editing_a_skin_reaches_pages_kept_for_guests(client: Client, author: User) -> None:
    work = _work_with_skin(client, author)
    skin = work.work_skin
    assert skin is not None
    guest = Client()
    first = guest.get(work.get_absolute_url()).content.decode()
    assert skin.version in first
    client.post(
        reverse("works:skin_edit", args=[skin.pk]), {"title": "Letters", "css": ".x { color: red }"}
    )
    skin.refresh_from_db()
    again = guest.get(work.get_absolute_url()).content.decode()
    assert skin.version in again and skin.version not in first


def test_deleting_a_skin_gives_its_works_the_archives_look(client: Client, author: User) -> None:
    work = _work_with_skin(client, author)
    skin = work.work_skin
    assert skin is not None
    Client().get(work.get_absolute_url())  # kept for guests
    client.post(reverse("works:skin_delete", args=[skin.pk]))
    work.refresh_from_db()
    assert work.work_skin is None
    assert "has-work-skin" not in Client().get(work.get_absolute_url()).content.decode()


def test_podfic_fields_are_saved_and_shown_on_the_page_and_blurb(
    client: Client, author: User
) -> None:
    client.post(
        reverse("works:new"),
        work_form_data(is_podfic="on", audio_duration="1:02:03", audio_format="mp3"),
    )
    work = Work.objects.get()
    assert work.is_podfic and work.audio_duration == datetime.timedelta(
        hours=1, minutes=2, seconds=3
    )
    assert "Podfic (1:02:03, MP3)" in page_text(client.get(work.get_absolute_url()))
    assert "Podfic (1:02:03, MP3)" in page_text(client.get(reverse("works:index")))


def test_a_changed_podfic_field_makes_a_new_kept_blurb(client: Client, author: User) -> None:
    work = posted_work(author)
    listing = reverse("works:index")
    assert "Podfic" not in page_text(Client().get(listing))
    edit = work_form_data(is_fanart="on")
    client.post(reverse("works:edit", args=[work.pk]), edit)
    assert "Fanart" in page_text(client.get(listing))


@pytest.mark.parametrize("length", ["abc", "1:99:00", "1:00:75", "999999"])
def test_a_bad_length_is_refused_and_nothing_is_written(
    client: Client, author: User, length: str
) -> None:
    response = client.post(
        reverse("works:new"), work_form_data(is_podfic="on", audio_duration=length)
    )
    assert response.status_code == 200
    assert not Work.objects.exists()
    assert "length" in page_text(response).lower()
