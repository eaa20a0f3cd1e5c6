""" "Download my data": the zip the worker packs, who may have it, and when it goes."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ficshelf.accounts import actions as account_actions
from ficshelf.accounts.models import Block, Mute, Preference, PseudIcon, User
from ficshelf.downloads import member_data
from ficshelf.downloads.models import DataExport, MadeFile
from ficshelf.social import actions as social_actions
from ficshelf.social.models import InboxItem, InboxKind
from tests.accounts.images import png_bytes
from tests.factories import WorkFactory
from tests.works.factories_posting import posted_work, writer

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def member_with_data() -> User:
    member = writer("keeper")
    Preference.objects.create(user=member, time_zone="Europe/Oslo", mail_kudos=False)
    posted_work(member, title="My Own Story")
    posted_work(member, title="A Draft", post=False)
    others = WorkFactory(title="Someone Else's")
    social_actions.post_comment(others.chapters.get(), actor=member, text="<p>Loved it.</p>")
    social_actions.leave_kudos(others, actor=member)
    social_actions.set_marked_for_later(others, actor=member, is_marked=True)
    reading_list = social_actions.create_reading_list(actor=member, name="Cosy")
    social_actions.add_to_reading_list(reading_list, others, actor=member)
    Block.objects.create(blocker=member, blocked=writer("rude"))
    Mute.objects.create(muter=member, muted=writer("loud"))
    return member


def ask(client: Client, capture: Any) -> Any:
    with capture(execute=True):  # the worker runs the task at once in tests
        return client.post(reverse("downloads:request_my_data"))


def test_the_member_gets_one_zip_with_data_json_and_their_works(
    django_capture_on_commit_callbacks: Any,
) -> None:
    member = member_with_data()
    client = signed_in(member)
    assert ask(client, django_capture_on_commit_callbacks).status_code == 302

    export = DataExport.objects.get(user=member)
    assert export.state == DataExport.State.READY
    assert export.expires_at is not None
    assert export.expires_at - export.finished_at == datetime.timedelta(days=member_data.KEEP_DAYS)
    page = client.get(reverse("downloads:my_data")).content.decode()
    assert "Download the zip" in page
    response = client.get(reverse("downloads:download_my_data", args=[export.pk]))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        names = archive.namelist()
        data = json.loads(archive.read("data.json"))
    assert "README.txt" in names
    assert any(n.startswith("works/My Own Story") and n.endswith(".epub") for n in names)
    assert any(n.startswith("works/A Draft") and n.endswith(".html") for n in names)
    assert data["account"]["username"] == "keeper"
    assert data["account"]["email"] == member.email
    assert data["preferences"]["time_zone"] == "Europe/Oslo"
    assert [p["name"] for p in data["pseuds"]] == ["keeper"]
    assert sorted(w["title"] for w in data["works"]) == ["A Draft", "My Own Story"]
    assert all(len(w["files"]) == 2 for w in data["works"])
    assert [c["text"] for c in data["comments"]] == ["<p>Loved it.</p>"]
    assert len(data["kudos"]) == 1 and len(data["history"]) == 1
    # Where they were in a work ("Continue reading") and what they scheduled go too.
    assert data["history"][0]["scroll_fraction"] == 0.0
    assert all("post_at" in w for w in data["works"])
    assert data["preferences"]["keep_drafts"] is False
    assert data["reading_lists"][0]["name"] == "Cosy"
    assert [b["username"] for b in data["blocks"]] == ["rude"]
    assert [m["username"] for m in data["mutes"]] == ["loud"]
    assert data["left_out"] == {}
    assert data["exchange_signups"] == [] and data["prompts"] == []  # the challenges app's
    # Told in the inbox, with a link to the page.
    notice = InboxItem.objects.get(recipient=member, kind=InboxKind.ACCOUNT)
    assert notice.link == reverse("downloads:my_data")


def test_nobody_else_gets_the_zip(django_capture_on_commit_callbacks: Any) -> None:
    member = member_with_data()
    ask(signed_in(member), django_capture_on_commit_callbacks)
    export = DataExport.objects.get(user=member)
    url = reverse("downloads:download_my_data", args=[export.pk])
    assert signed_in(writer("nosy")).get(url).status_code == 404
    guest = Client().get(url)
    assert guest.status_code == 302 and "/accounts/login/" in guest["Location"]


def test_asking_twice_while_packing_queues_one(django_capture_on_commit_callbacks: Any) -> None:
    member = writer("keeper")
    first = member_data.request_export(member)
    assert member_data.request_export(member) == first
    response = signed_in(member).post(reverse("downloads:request_my_data"), follow=True)
    assert "already being packed" in response.content.decode()
    assert DataExport.objects.filter(user=member).count() == 1


def test_expired_zips_go_with_their_files(django_capture_on_commit_callbacks: Any) -> None:
    member = member_with_data()
    ask(signed_in(member), django_capture_on_commit_callbacks)
    assert MadeFile.objects.filter(name__startswith=member_data.FILE_PREFIX).count() == 1
    DataExport.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert member_data.remove_expired() == 1
    assert not DataExport.objects.exists()
    assert not MadeFile.objects.filter(name__startswith=member_data.FILE_PREFIX).exists()


def test_entries_over_the_limit_are_counted_not_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    member = member_with_data()
    monkeypatch.setattr(member_data, "MAX_ROWS", 1)
    sections, left_out = member_data.collect(member, site_url="http://testserver/")
    assert len(sections["works"]) == 1
    assert left_out == {"works": 1}


def test_a_work_that_cannot_be_made_leaves_the_rest_of_the_zip(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = member_with_data()

    def broken(*args: object, **kwargs: object) -> bool:
        raise RuntimeError("converter crashed")

    monkeypatch.setattr(member_data.bulk, "_add_work", broken)
    ask(signed_in(member), django_capture_on_commit_callbacks)
    export = DataExport.objects.get(user=member)
    assert export.state == DataExport.State.READY
    assert export.file is not None
    with zipfile.ZipFile(io.BytesIO(bytes(export.file.chunks.get().data))) as archive:
        data = json.loads(archive.read("data.json"))
    assert all(w["files"] == [] for w in data["works"])
    assert len(data["comments"]) == 1


def test_the_challenges_app_adds_the_members_sign_ups() -> None:
    from tests.challenges.test_exchange import exchange_with, sign_up

    _host, exchange = exchange_with()
    signup = sign_up(exchange, "signer", ["Moomins"], ["Discworld"])
    sections, _left_out = member_data.collect(signup.user, site_url="http://testserver/")
    assert sections["exchange_signups"][0]["collection"] == "yule"
    assert sections["exchange_signups"][0]["pseud"] == "signer"


def test_the_zip_holds_the_profile_text_and_the_pseuds_icons(
    django_capture_on_commit_callbacks: Any,
) -> None:
    member = writer("keeper")
    account_actions.save_profile_about(member, about="<p>I keep things.</p>")
    pseud = member.pseuds.get()
    account_actions.set_pseud_icon(pseud, image=png_bytes(100, 100), alt="A lighthouse")
    client = signed_in(member)
    ask(client, django_capture_on_commit_callbacks)

    export = DataExport.objects.get(user=member)
    response = client.get(reverse("downloads:download_my_data", args=[export.pk]))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        data = json.loads(archive.read("data.json"))
        icon_entry = data["pseuds"][0]["icon"]
        icon_file = archive.read(icon_entry["file"])
    assert data["profile"] == {"about": "<p>I keep things.</p>"}
    assert icon_entry["alt"] == "A lighthouse"
    assert icon_file == bytes(PseudIcon.objects.get(pseud=pseud).image)
