"""Co-creators per chapter: a chapter credits a subset of its work's creators at once, or
others besides once they accept; refusals and blocks are honoured; the chapter byline and
downloads' chapter headings name them, except on an anonymous work."""

from __future__ import annotations

import pytest
from django.test import Client

from ficshelf.accounts.models import Block, Preference, User
from ficshelf.works import actions
from ficshelf.works.actions import ChapterData
from ficshelf.works.models import Chapter, ChapterCreatorship, Creatorship, Work
from tests.works.factories_posting import posted_work, pseud_of, writer

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(client: Client) -> User:
    user = writer("author")
    client.force_login(user)
    return user


def two_chapter_work(author: User, *, with_co_creator: bool = True) -> Work:
    work = posted_work(author, title="Shared Tides")
    if with_co_creator:
        Creatorship.objects.create(work=work, pseud=pseud_of(writer("partner")), position=1)
    actions.add_chapter(
        work, ChapterData(title="Second", text="<p>More words here.</p>"), post=True
    )
    return work


def chapter_data(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Second",
        "creators": "",
        "summary": "",
        "notes": "",
        "end_notes": "",
        "text_format": "html",
        "text": "<p>More words here.</p>",
        "action": "save",
    }
    data.update(overrides)
    return data


def second_chapter(work: Work) -> Chapter:
    return work.chapters.get(position=2)


def chapter_page(client: Client, chapter: Chapter) -> str:
    return client.get(chapter.get_absolute_url()).content.decode()


def test_a_chapter_credits_one_of_the_works_creators_at_once(client: Client, author: User) -> None:
    work = two_chapter_work(author)
    chapter = second_chapter(work)
    edit = f"/works/{work.pk}/chapters/{chapter.pk}/edit/"
    assert client.post(edit, chapter_data(creators="partner")).status_code == 302
    credit = ChapterCreatorship.objects.get()
    assert credit.is_approved and credit.pseud.name == "partner"
    html = chapter_page(client, chapter)
    assert (
        'Chapter by <span class="pseud"><a rel="author" href="/users/partner/">partner</a>' in html
    )
    # The first chapter stays the work's.
    first = work.chapters.get(position=1)
    assert "Chapter by" not in chapter_page(client, first)
    # The edit form shows the names; emptying them gives the chapter back to the work.
    form = client.get(edit).context["form"]
    assert form.initial["creators"] == "partner"
    client.post(edit, chapter_data(creators=""))
    assert not ChapterCreatorship.objects.exists()


def test_someone_outside_the_work_is_credited_once_they_accept(
    client: Client, author: User
) -> None:
    work = two_chapter_work(author, with_co_creator=False)
    guest_writer = writer("illustrator")
    chapter = second_chapter(work)
    client.post(
        f"/works/{work.pk}/chapters/{chapter.pk}/edit/",
        chapter_data(creators="author, illustrator"),
    )
    pending = ChapterCreatorship.objects.get(pseud__name="illustrator")
    assert not pending.is_approved
    assert ChapterCreatorship.objects.get(pseud__name="author").is_approved
    assert "illustrator" not in chapter_page(client, chapter)

    client.force_login(guest_writer)
    dashboard = client.get("/dashboard/").content.decode()
    assert "Chapter co-creator invitations" in dashboard and "Shared Tides" in dashboard
    client.post(f"/chapter-invitations/{pending.pk}/", {"answer": "accept"})
    html = chapter_page(client, chapter)
    assert "Chapter by" in html and ">illustrator</a>" in html and ">author</a>" in html
    # Being credited on a chapter does not make them a creator of the work.
    assert client.get(f"/works/{work.pk}/edit/").status_code == 404

    from tests.downloads.conftest import download

    text = download(client, Work.objects.get(pk=work.pk), "txt").decode()
    assert "Chapter 2: Second\n\nby author, illustrator" in text


def test_declining_removes_the_invitation(client: Client, author: User) -> None:
    work = two_chapter_work(author, with_co_creator=False)
    invitee = writer("invitee")
    chapter = second_chapter(work)
    client.post(f"/works/{work.pk}/chapters/{chapter.pk}/edit/", chapter_data(creators="invitee"))
    invitation = ChapterCreatorship.objects.get()
    client.force_login(writer("someone-else"))
    response = client.post(f"/chapter-invitations/{invitation.pk}/", {"answer": "accept"})
    assert response.status_code == 404
    client.force_login(invitee)
    client.post(f"/chapter-invitations/{invitation.pk}/", {"answer": "decline"})
    assert not ChapterCreatorship.objects.exists()


def test_a_member_refusing_co_creation_is_refused_and_nothing_is_written(
    client: Client, author: User
) -> None:
    work = two_chapter_work(author)
    shy = writer("shy")
    Preference.objects.update_or_create(user=shy, defaults={"refuse_co_creator_invitations": True})
    chapter = second_chapter(work)
    response = client.post(
        f"/works/{work.pk}/chapters/{chapter.pk}/edit/",
        chapter_data(title="Renamed", creators="partner, shy"),
    )
    assert response.status_code == 200
    assert "shy does not accept co-creator invitations." in response.content.decode()
    assert not ChapterCreatorship.objects.exists()
    chapter.refresh_from_db()
    assert chapter.title == "Second"


def test_a_new_chapter_naming_someone_who_blocked_you_is_not_posted(
    client: Client, author: User
) -> None:
    work = two_chapter_work(author)
    Block.objects.create(blocker=writer("wary"), blocked=author)
    response = client.post(
        f"/works/{work.pk}/chapters/new/", chapter_data(title="Third", creators="wary")
    )
    assert "You can&#x27;t invite wary." in response.content.decode()
    assert work.chapters.count() == 2 and not ChapterCreatorship.objects.exists()


def test_an_unknown_name_is_a_form_error(client: Client, author: User) -> None:
    work = two_chapter_work(author)
    chapter = second_chapter(work)
    response = client.post(
        f"/works/{work.pk}/chapters/{chapter.pk}/edit/", chapter_data(creators="ghost")
    )
    assert "No member here is called ghost." in response.content.decode()


def test_an_anonymous_work_names_nobody_on_its_chapters(client: Client, author: User) -> None:
    work = two_chapter_work(author)
    chapter = second_chapter(work)
    client.post(f"/works/{work.pk}/chapters/{chapter.pk}/edit/", chapter_data(creators="partner"))
    Work.objects.filter(pk=work.pk).update(in_anonymous_collection=True)
    client.logout()
    html = chapter_page(client, chapter)
    assert "Chapter by" not in html and "partner" not in html

    from tests.downloads.conftest import download

    text = download(client, Work.objects.get(pk=work.pk), "txt").decode()
    assert "partner" not in text
