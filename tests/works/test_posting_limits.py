"""What the posting forms refuse or fold, with a message, and never cut silently."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.tags.models import Tag
from ficshelf.works.forms import chapter as chapter_form
from ficshelf.works.models import Work
from ficshelf.works.posting_views import UPLOADS_BY_ACCOUNT
from tests.caches import FakeClock
from tests.factories import TagFactory
from tests.helpers import page_text
from tests.works.factories_posting import docx_bomb, docx_bytes, work_form_data, writer

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(client: Client) -> User:
    user = writer()
    client.force_login(user)
    return user


def post_new(client: Client, **overrides: object) -> object:
    return client.post(reverse("works:new"), work_form_data(**overrides))


def test_a_title_with_a_newline_is_folded_into_one_line(client: Client, author: User) -> None:
    post_new(client, title="Two\r\nLines\t", chapter_title="First\npart")
    work = Work.objects.get()
    assert work.title == "Two Lines"
    assert work.chapters.get().title == "First part"


def test_a_title_with_a_control_character_is_refused(client: Client, author: User) -> None:
    response = post_new(client, title="Bell\x07")
    assert "control characters (found U+0007)" in page_text(response)  # type: ignore[arg-type]
    assert not Work.objects.exists()


def test_series_gift_and_inspiration_fields_are_one_line(client: Client, author: User) -> None:
    post_new(
        client,
        new_series_title="My\nSeries",
        gift_recipients="Ann\n, Bo",
        inspired_by_url="https://example.org/works/1",
        inspired_by_title="Their\nWork",
        inspired_by_creator="Some\tone",
    )
    work = Work.objects.get()
    assert work.series_works.get().series.title == "My Series"
    assert sorted(g.recipient_name for g in work.gifts.all()) == ["Ann", "Bo"]


def test_a_new_tag_longer_than_ao3s_limit_is_refused_by_name(client: Client, author: User) -> None:
    long_tag = "word " * 40  # 199 characters once stripped
    response = post_new(client, freeforms=f"Fluff, {long_tag}")
    html = page_text(response)  # type: ignore[arg-type]
    assert "is 199 characters long: a tag can be at most 150" in html
    assert not Work.objects.exists()
    assert not Tag.objects.filter(name="Fluff").exists()


def test_a_long_tag_already_on_the_archive_may_be_used(client: Client, author: User) -> None:
    imported = TagFactory(name=("imported " * 25).strip())  # kept whole by an import
    post_new(client, freeforms=imported.name)
    assert imported in Work.objects.get().tags.all()


def test_a_tag_field_over_its_limit_is_refused_not_cut_mid_tag(
    client: Client, author: User
) -> None:
    names = ", ".join(f"Tag number {i}" for i in range(400))  # over 5,000 characters
    response = post_new(client, freeforms=names)
    html = page_text(response)  # type: ignore[arg-type]
    assert f"This can be at most 5,000 characters long (it has {len(names):,})" in html
    assert not Work.objects.exists()


def test_tag_fields_carry_no_maxlength_that_would_cut_pasted_tags(
    client: Client, author: User
) -> None:
    html = client.get(reverse("works:new")).content.decode()
    field = html.split('name="freeforms"', 1)[1].split(">", 1)[0]
    assert "maxlength" not in field


def test_a_work_carries_at_most_75_tags(client: Client, author: User) -> None:
    response = post_new(
        client,
        fandoms="Original Work",
        characters=", ".join(f"Character {i}" for i in range(30)),
        freeforms=", ".join(f"Trope {i}" for i in range(45)),
    )
    html = page_text(response)  # type: ignore[arg-type]
    assert "can add up to at most 75; this work has 76, so remove 1" in html
    assert not Work.objects.exists()


def test_75_tags_are_allowed(client: Client, author: User) -> None:
    post_new(
        client,
        fandoms="Original Work",
        characters=", ".join(f"Character {i}" for i in range(30)),
        freeforms=", ".join(f"Trope {i}" for i in range(44)),
    )
    assert Work.objects.get().tags.count() == 75 + 2  # and the rating and the warning


def test_a_docx_bomb_is_refused_at_the_form_and_nothing_is_saved(
    client: Client, author: User
) -> None:
    bomb = docx_bomb(30)
    assert len(bomb) < 200 * 1024
    upload = SimpleUploadedFile("novel.docx", bomb)
    response = client.post(reverse("works:new"), work_form_data(text="", text_file=upload))
    html = page_text(response, status=200)  # type: ignore[arg-type]
    assert "Could not read the document: this Word document has a part (word/document.xml)" in html
    assert "over the limit of 10 MB" in html
    assert not Work.objects.exists()


def test_word_documents_are_limited_per_account_and_a_refused_one_is_not_read(
    client: Client, author: User, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    converted: list[str] = []

    def counting_conversion(upload: Any) -> str:
        converted.append(upload.name)
        return "<p>Converted.</p>"

    monkeypatch.setattr(chapter_form, "docx_to_html", counting_conversion)

    def post_with_document(n: int) -> Any:
        upload = SimpleUploadedFile(f"part{n}.docx", docx_bytes(f"Part {n}"))
        return post_new(client, title=f"Part {n}", text="", text_file=upload)

    limit = UPLOADS_BY_ACCOUNT.limit
    assert [post_with_document(n).status_code for n in range(limit)] == [302] * limit
    refused = post_with_document(limit)

    html = page_text(refused, status=429)
    assert "You have uploaded many Word documents in the last hour" in html
    assert "Please try again in 66 minutes, or paste the text instead." in html
    assert f'value="Part {limit}"' in html  # what was typed is kept
    assert refused["Retry-After"] == "3960"
    assert len(converted) == limit
    assert Work.objects.count() == limit
    # Typed text needs no conversion and is not limited.
    assert post_new(client, title="Typed", text="<p>Typed.</p>").status_code == 302  # type: ignore[attr-defined]


def test_the_upload_limit_covers_new_chapters_too(
    client: Client, author: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chapter_form, "docx_to_html", lambda upload: "<p>Converted.</p>")
    post_new(client, title="The work")
    work = Work.objects.get()
    for n in range(UPLOADS_BY_ACCOUNT.limit):
        upload = SimpleUploadedFile("next.docx", docx_bytes("Next"))
        post_new(client, title=f"Other {n}", text="", text_file=upload)
    upload = SimpleUploadedFile("chapter.docx", docx_bytes("Chapter"))
    response = client.post(
        reverse("works:add_chapter", args=[work.pk]),
        {"title": "Two", "text_format": "html", "text": "", "text_file": upload, "action": "post"},
    )
    assert response.status_code == 429
    assert work.chapters.count() == 1
