from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from ficshelf.search.backends import get_backend
from ficshelf.search.models import IndexQueueEntry
from ficshelf.search.queue import drain_index_queue, newest_queue_entry
from ficshelf.social.counters import add_hits
from tests.factories import ChapterFactory, TagFactory, WorkFactory
from tests.search.fakes import RECORDING, RecordingBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def backend(settings: pytest.FixtureRequest) -> RecordingBackend:
    settings.FICSHELF_SEARCH_BACKEND = RECORDING
    found = get_backend()
    assert isinstance(found, RecordingBackend)
    return found


def queued() -> set[int]:
    return set(IndexQueueEntry.objects.values_list("work_id", flat=True))


def test_posting_a_work_queues_it_for_indexing() -> None:
    work = WorkFactory()
    assert work.pk in queued()


def test_draining_indexes_queued_works_and_empties_the_queue(backend: RecordingBackend) -> None:
    work = WorkFactory(title="Dragons")
    assert drain_index_queue() >= 1
    assert backend.documents[work.pk].title == "Dragons"
    assert queued() == set()


def test_a_work_changed_twice_is_reindexed_once(backend: RecordingBackend) -> None:
    work = WorkFactory()
    drain_index_queue()
    work.title = "One"
    work.save()
    work.title = "Two"
    work.save()
    assert drain_index_queue() == 1
    assert backend.documents[work.pk].title == "Two"


def test_each_change_moves_the_newest_queue_entry_even_for_a_work_already_queued() -> None:
    # Kept listing pages key on it: a second edit of a waiting work must still show.
    work = WorkFactory()
    before = newest_queue_entry()
    work.title = "Edited again before any drain"
    work.save()
    assert newest_queue_entry() > before


def test_hits_wait_for_the_periodic_drain_and_keep_kept_pages(
    backend: RecordingBackend, django_capture_on_commit_callbacks: Any
) -> None:
    work = WorkFactory()
    drain_index_queue()
    before = newest_queue_entry()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        add_hits({work.pk: 1})  # as the worker's flush of buffered hits does
    assert callbacks == []  # no drain asked for
    assert newest_queue_entry() == before
    assert IndexQueueEntry.objects.get(work_id=work.pk).counters_only
    drain_index_queue()  # as the periodic drain does
    assert backend.documents[work.pk].hits_count == 1


def test_a_change_committed_during_a_drain_is_not_lost(
    backend: RecordingBackend,
) -> None:
    first = WorkFactory(title="First")
    second = WorkFactory(title="Second")
    IndexQueueEntry.objects.filter(work_id=second.pk).delete()
    update = backend.update

    def update_while_second_changes(*args: Any) -> None:
        # The change lands after the drain read its rows and before it deletes them.
        backend.update = update  # type: ignore[method-assign]
        second.title = "Changed mid-drain"
        second.save()
        update(*args)

    backend.update = update_while_second_changes  # type: ignore[method-assign]
    IndexQueueEntry.objects.exclude(work_id=first.pk).delete()
    drain_index_queue(batch_size=1)
    assert first.pk in backend.documents
    assert backend.documents[second.pk].title == "Changed mid-drain"
    assert queued() == set()


def test_the_newest_queue_entry_stays_until_the_index_has_the_change(
    backend: RecordingBackend,
) -> None:
    # Kept pages key on (index generation, newest entry): the entry must not go before
    # the index has committed the change, or the key would fall back to an older one.
    work = WorkFactory()
    seen_during_update: list[int] = []
    update = backend.update

    def update_and_look(*args: Any) -> None:
        seen_during_update.append(newest_queue_entry())
        update(*args)

    backend.update = update_and_look  # type: ignore[method-assign]
    drain_index_queue()
    assert seen_during_update and seen_during_update[0] > 0
    assert newest_queue_entry() == 0
    assert work.pk in backend.documents


def test_editing_a_chapter_queues_its_work() -> None:
    work = WorkFactory()
    IndexQueueEntry.objects.all().delete()
    ChapterFactory(work=work, position=2)
    assert queued() == {work.pk}


def test_tagging_a_work_queues_it_and_records_its_filter_tags() -> None:
    work = WorkFactory()
    IndexQueueEntry.objects.all().delete()
    tag = TagFactory(name="Found Family")
    work.tags.add(tag)
    assert queued() == {work.pk}
    assert work.filter_taggings.filter(tag=tag).exists()


def test_a_deleted_work_leaves_the_index(backend: RecordingBackend) -> None:
    work = WorkFactory()
    drain_index_queue()
    work_id = work.pk
    work.delete()
    drain_index_queue()
    assert work_id not in backend.documents


def test_a_work_hidden_by_an_admin_leaves_the_index(backend: RecordingBackend) -> None:
    work = WorkFactory()
    drain_index_queue()
    work.is_hidden_by_admin = True
    work.save()
    drain_index_queue()
    assert work.pk not in backend.documents


def test_drafts_are_never_indexed(backend: RecordingBackend) -> None:
    work = WorkFactory(draft=True)
    drain_index_queue()
    assert work.pk not in backend.documents


def test_a_failed_drain_puts_the_works_back_on_the_queue(backend: RecordingBackend) -> None:
    work = WorkFactory()
    backend.fail_next_update = True
    with pytest.raises(Exception, match="locked"):
        drain_index_queue()
    assert work.pk in queued()
    drain_index_queue()
    assert work.pk in backend.documents


def test_reindex_rebuilds_from_the_database_and_clears_the_queue(
    backend: RecordingBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    posted = WorkFactory()
    WorkFactory(draft=True)
    backend.documents.clear()
    drain_index_queue()
    backend.documents[999_999] = backend.documents[posted.pk]  # a stale entry
    call_command("reindex", "--quiet")
    assert set(backend.documents) == {posted.pk}
    assert queued() == set()
    assert "Indexed 1 works." in capsys.readouterr().out


def test_clearing_a_tag_from_all_its_works_queues_them() -> None:
    tag = TagFactory(name="Angst")
    first, second = WorkFactory(), WorkFactory()
    tag.works.add(first, second)
    IndexQueueEntry.objects.all().delete()
    tag.works.clear()
    assert queued() == {first.pk, second.pk}
    assert not first.filter_taggings.filter(tag=tag).exists()


def test_the_drain_task_waits_quietly_while_the_index_is_busy(
    backend: RecordingBackend, caplog: pytest.LogCaptureFixture
) -> None:
    from ficshelf.search.tasks import drain_index_queue as drain_task

    work = WorkFactory()
    backend.fail_next_update = True
    result = drain_task.call()
    assert result == 0
    assert work.pk in queued()
    assert "not updated this time" in caplog.text


def test_every_committed_change_reaches_the_index_without_waiting_for_the_backstop(
    backend: RecordingBackend, django_capture_on_commit_callbacks: Any
) -> None:
    # Tasks run at once in tests, as a worker that is keeping up would.
    with django_capture_on_commit_callbacks(execute=True):
        work = WorkFactory(title="First")
    assert backend.documents[work.pk].title == "First"
    with django_capture_on_commit_callbacks(execute=True):
        work.title = "Second, a moment later"
        work.save()
    assert backend.documents[work.pk].title == "Second, a moment later"
    assert queued() == set()
