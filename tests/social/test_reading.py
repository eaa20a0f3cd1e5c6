"""Reading history, Marked for Later and reading lists (hits: ``test_hits.py``)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from ficshelf.accounts.models import User
from ficshelf.social.actions import record_reading
from ficshelf.social.models import Reading, ReadingList, ReadingListItem
from ficshelf.works.models import Work
from tests.factories import UserFactory, WorkFactory
from tests.helpers import page_text
from tests.social.factories import ReadingFactory, ReadingListFactory

pytestmark = pytest.mark.django_db


def signed_in(user: User | None = None) -> Client:
    client = Client()
    client.force_login(user or UserFactory())
    return client


def request_by(user: User | None = None, address: str = "10.0.0.1") -> HttpRequest:
    request = RequestFactory().get("/", REMOTE_ADDR=address)
    request.user = user or AnonymousUser()
    return request


def test_reading_is_recorded_with_the_chapter() -> None:
    work, reader = WorkFactory(chapters=2), UserFactory()
    second = work.chapters.get(position=2)
    record_reading(request_by(reader), work, None, is_chapter_address=False)
    record_reading(request_by(reader), work, second, is_chapter_address=True)
    reading = Reading.objects.get(user=reader, work=work)
    assert reading.chapter == second
    assert reading.view_count == 2


def test_reading_a_work_marked_for_later_keeps_the_mark_and_moves_the_time() -> None:
    # The reading is one insert-or-update statement: the update must leave the mark alone.
    work, reader = WorkFactory(chapters=2), UserFactory()
    marked = ReadingFactory(user=reader, work=work, is_marked_for_later=True, view_count=0)
    before = marked.last_viewed_at
    record_reading(request_by(reader), work, work.chapters.get(position=2), is_chapter_address=True)
    reading = Reading.objects.get(pk=marked.pk)
    assert reading.is_marked_for_later
    assert reading.view_count == 1
    assert reading.last_viewed_at > before
    assert reading.chapter == work.chapters.get(position=2)
    assert Reading.objects.filter(user=reader).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_work_deleted_since_its_page_loaded_it_is_not_remembered() -> None:
    # Outside a transaction, as a page is served: the database refuses the row at once.
    work, reader = WorkFactory(), UserFactory()
    loaded = Work.objects.get(pk=work.pk)
    work.delete()
    record_reading(request_by(reader), loaded, None, is_chapter_address=False)
    assert not Reading.objects.exists()


def test_guests_reading_is_not_recorded() -> None:
    record_reading(request_by(), WorkFactory(), None, is_chapter_address=False)
    assert not Reading.objects.exists()


def test_history_page_shows_the_works_read() -> None:
    reader = UserFactory()
    ReadingFactory(user=reader, work=WorkFactory(title="Read Before"))
    html = page_text(signed_in(reader).get(reverse("social:history")))
    assert "Read Before" in html


def test_history_leaves_out_works_no_longer_visible() -> None:
    reader = UserFactory()
    ReadingFactory(user=reader, work=WorkFactory(title="Still Readable"))
    ReadingFactory(user=reader, work=WorkFactory(title="Gone Now", draft=True))
    html = page_text(signed_in(reader).get(reverse("social:history")))
    assert "Still Readable" in html
    assert "Gone Now" not in html


def test_reader_marks_a_work_for_later() -> None:
    work, reader = WorkFactory(title="Later Please"), UserFactory()
    client = signed_in(reader)
    client.post(reverse("social:mark_for_later", args=[work.pk]))
    assert Reading.objects.get(user=reader, work=work).is_marked_for_later
    assert "Later Please" in page_text(client.get(reverse("social:marked_for_later")))


def test_reader_unmarks_a_work_for_later() -> None:
    reader = UserFactory()
    reading = ReadingFactory(user=reader, is_marked_for_later=True)
    signed_in(reader).post(
        reverse("social:mark_for_later", args=[reading.work_id]), {"marked": "0"}
    )
    reading.refresh_from_db()
    assert not reading.is_marked_for_later


def test_reader_adds_a_work_to_a_new_list() -> None:
    work, reader = WorkFactory(), UserFactory()
    signed_in(reader).post(reverse("social:add_to_list", args=[work.pk]), {"new_list_name": "Cozy"})
    reading_list = ReadingList.objects.get(owner=reader, name="Cozy")
    assert ReadingListItem.objects.filter(reading_list=reading_list, work=work).exists()


def test_reader_cannot_add_to_someone_elses_list() -> None:
    work = WorkFactory()
    other_list = ReadingListFactory()
    response = signed_in().post(
        reverse("social:add_to_list", args=[work.pk]), {"list_id": other_list.pk}
    )
    assert response.status_code == 404
    assert not ReadingListItem.objects.exists()


def test_private_list_is_404_for_others() -> None:
    reading_list = ReadingListFactory(is_public=False)
    response = signed_in().get(reverse("social:list_detail", args=[reading_list.pk]))
    assert response.status_code == 404


def test_public_list_shows_only_works_the_viewer_may_see() -> None:
    reading_list = ReadingListFactory(is_public=True)
    ReadingListItem.objects.create(reading_list=reading_list, work=WorkFactory(title="Open One"))
    ReadingListItem.objects.create(
        reading_list=reading_list, work=WorkFactory(title="Members Only", restricted=True)
    )
    html = page_text(Client().get(reverse("social:list_detail", args=[reading_list.pk])))
    assert "Open One" in html
    assert "Members Only" not in html


def test_owner_removes_a_work_from_a_list() -> None:
    reading_list = ReadingListFactory()
    work = WorkFactory()
    ReadingListItem.objects.create(reading_list=reading_list, work=work)
    signed_in(reading_list.owner).post(
        reverse("social:remove_from_list", args=[reading_list.pk, work.pk])
    )
    assert not ReadingListItem.objects.exists()


def test_reader_creates_a_list_on_the_lists_page() -> None:
    reader = UserFactory()
    signed_in(reader).post(reverse("social:my_lists"), {"name": "Summer", "is_public": "on"})
    assert ReadingList.objects.get(owner=reader).is_public


@pytest.mark.parametrize("list_id", ["²", "9" * 25, "0"])
def test_adding_to_a_list_id_that_cannot_exist_adds_nothing(list_id: str) -> None:
    reader = UserFactory()
    ReadingListFactory(owner=reader)
    work = WorkFactory()
    response = signed_in(reader).post(
        reverse("social:add_to_list", args=[work.pk]), {"list_id": list_id}
    )
    assert response.status_code == 302
    assert not ReadingListItem.objects.exists()


def test_reader_adds_a_work_to_an_existing_list() -> None:
    reader = UserFactory()
    reading_list = ReadingListFactory(owner=reader)
    work = WorkFactory()
    signed_in(reader).post(
        reverse("social:add_to_list", args=[work.pk]), {"list_id": str(reading_list.pk)}
    )
    assert ReadingListItem.objects.filter(reading_list=reading_list, work=work).exists()


def test_owner_deletes_a_reading_list() -> None:
    reading_list = ReadingListFactory()
    ReadingListItem.objects.create(reading_list=reading_list, work=WorkFactory())
    response = signed_in(reading_list.owner).post(
        reverse("social:delete_list", args=[reading_list.pk])
    )
    assert response["Location"] == reverse("social:my_lists")
    assert not ReadingList.objects.exists()
    assert not ReadingListItem.objects.exists()


def test_someone_else_cannot_delete_a_reading_list() -> None:
    reading_list = ReadingListFactory()
    response = signed_in().post(reverse("social:delete_list", args=[reading_list.pk]))
    assert response.status_code == 404
    assert ReadingList.objects.exists()


def test_reader_deletes_a_work_from_their_history() -> None:
    reader = UserFactory()
    gone = ReadingFactory(user=reader, work=WorkFactory(title="Forget This"))
    ReadingFactory(user=reader, work=WorkFactory(title="Keep This"))
    client = signed_in(reader)
    response = client.post(reverse("social:delete_reading", args=[gone.pk]))
    assert response["Location"] == reverse("social:history")
    html = page_text(client.get(reverse("social:history")))
    assert "Keep This" in html
    assert "Forget This" not in html


def test_someone_else_cannot_delete_a_reading_from_history() -> None:
    reading = ReadingFactory()
    response = signed_in().post(reverse("social:delete_reading", args=[reading.pk]))
    assert response.status_code == 404
    assert Reading.objects.exists()


def test_a_new_list_name_with_a_newline_is_folded() -> None:
    work, reader = WorkFactory(), UserFactory()
    signed_in(reader).post(
        reverse("social:add_to_list", args=[work.pk]), {"new_list_name": "Cozy\nreads"}
    )
    assert ReadingList.objects.get(owner=reader).name == "Cozy reads"


def test_a_new_list_name_over_the_limit_is_refused_not_cut() -> None:
    work, reader = WorkFactory(), UserFactory()
    response = signed_in(reader).post(
        reverse("social:add_to_list", args=[work.pk]), {"new_list_name": "x" * 101}, follow=True
    )
    assert "can be at most 100 characters" in response.content.decode()
    assert not ReadingList.objects.exists()
