"""Preview before Post, as AO3: a new chapter, or an edit of a chapter, shown on the work
page as readers will see it, with nothing saved, told or reindexed until the writer says."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.search.models import IndexQueueEntry
from ficshelf.social.models import InboxItem, Subscription
from ficshelf.works import actions
from ficshelf.works.actions import ChapterData
from ficshelf.works.models import Chapter, Work
from tests.factories import UserFactory
from tests.works.factories_posting import posted_work, writer

pytestmark = pytest.mark.django_db

NEW_CHAPTER = {
    "title": "The Storm",
    "summary": "",
    "notes": "<p>Chapter notes here.</p>",
    "end_notes": "",
    "text_format": "html",
    "text": "<p>The waves rose over the lamp.</p>",
}


@pytest.fixture
def author(client: Client) -> User:
    user = writer("keeper")
    client.force_login(user)
    return user


@pytest.fixture
def work(author: User) -> Work:
    return posted_work(author, title="Salt and Lamplight")


def hidden_fields(page: str) -> list[tuple[str, str]]:
    return [
        (name, unescape(value))
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
        if name != "csrfmiddlewaretoken"
    ]


def preview_bar_buttons(page: str) -> list[tuple[str, str]]:
    bar = page.split('class="notice preview-notice edit-preview"', 1)[1].split("</form>", 1)[0]
    return re.findall(r'<button type="submit" name="action" value="([^"]+)"[^>]*>([^<]+)<', bar)


def test_new_chapter_form_offers_preview(client: Client, work: Work) -> None:
    page = client.get(reverse("works:add_chapter", args=[work.pk])).content.decode()

    assert '<button type="submit" name="action" value="preview">Preview</button>' in page


def test_preview_of_a_new_chapter_shows_it_and_saves_nothing(client: Client, work: Work) -> None:
    reader = UserFactory()
    Subscription.objects.create(user=reader, work=work)
    IndexQueueEntry.objects.all().delete()

    response = client.post(
        reverse("works:add_chapter", args=[work.pk]), {**NEW_CHAPTER, "action": "preview"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "This is how the new chapter will look." in page
    assert "The waves rose over the lamp." in page and "Chapter notes here." in page
    assert "The Storm" in page
    assert preview_bar_buttons(page) == [
        ("post", "Post"),
        ("draft", "Save as draft"),
        ("edit", "Edit"),
    ]
    assert work.chapters.count() == 1
    assert not InboxItem.objects.exists()
    assert not IndexQueueEntry.objects.exists()


def test_post_from_the_preview_posts_the_chapter_as_previewed(client: Client, work: Work) -> None:
    page = client.post(
        reverse("works:add_chapter", args=[work.pk]), {**NEW_CHAPTER, "action": "preview"}
    ).content.decode()
    fields = dict(hidden_fields(page))

    response = client.post(
        reverse("works:add_chapter", args=[work.pk]), {**fields, "action": "post"}
    )

    chapter = work.chapters.get(position=2)
    assert response.status_code == 302 and response["Location"] == chapter.get_absolute_url()
    assert chapter.title == "The Storm" and chapter.is_posted
    assert chapter.text == "<p>The waves rose over the lamp.</p>"
    assert chapter.notes == "<p>Chapter notes here.</p>"


def test_edit_from_the_preview_returns_to_the_filled_form(client: Client, work: Work) -> None:
    page = client.post(
        reverse("works:add_chapter", args=[work.pk]), {**NEW_CHAPTER, "action": "preview"}
    ).content.decode()

    form = client.post(
        reverse("works:add_chapter", args=[work.pk]),
        {**dict(hidden_fields(page)), "action": "edit"},
    ).content.decode()

    assert "Add chapter 2" in form
    assert "The waves rose over the lamp." in unescape(form)
    assert 'value="The Storm"' in form
    assert work.chapters.count() == 1


def test_a_chapter_preview_with_errors_shows_the_form_and_no_preview(
    client: Client, work: Work
) -> None:
    page = client.post(
        reverse("works:add_chapter", args=[work.pk]),
        {**NEW_CHAPTER, "text": "", "action": "preview"},
    ).content.decode()

    assert "This is how the new chapter will look." not in page
    assert 'class="posting-form"' in page
    assert work.chapters.count() == 1


def test_preview_of_an_edited_posted_chapter_shows_the_edit_and_saves_nothing(
    client: Client, author: User, work: Work
) -> None:
    second = actions.add_chapter(
        work, ChapterData(title="Low Tide", text="<p>Before.</p>"), post=True
    )
    url = reverse("works:edit_chapter", args=[work.pk, second.pk])

    page = client.post(
        url, {**NEW_CHAPTER, "title": "Low Tide", "text": "<p>After.</p>", "action": "preview"}
    ).content.decode()

    assert "This is how your changes will look." in page
    assert "After." in page and "Before." not in page
    assert preview_bar_buttons(page) == [("save", "Update"), ("edit", "Edit")]
    second.refresh_from_db()
    assert second.text == "<p>Before.</p>"

    client.post(url, {**dict(hidden_fields(page)), "action": "save"})
    second.refresh_from_db()
    assert second.text == "<p>After.</p>"


def test_edit_chapter_form_offers_preview(client: Client, work: Work) -> None:
    chapter = work.chapters.get()
    page = client.get(reverse("works:edit_chapter", args=[work.pk, chapter.pk])).content.decode()

    assert 'value="preview">Preview</button>' in page


def test_only_the_works_creators_may_preview_a_chapter(client: Client, work: Work) -> None:
    client.force_login(UserFactory())

    response = client.post(
        reverse("works:add_chapter", args=[work.pk]), {**NEW_CHAPTER, "action": "preview"}
    )

    assert response.status_code == 404
    assert Chapter.objects.filter(work=work).count() == 1
