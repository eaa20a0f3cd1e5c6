"""Recovering after a worker died mid-task (``core.recovery``): its task rows, the download
markers and half-written files, the half-built index folders; never a live worker's work,
also when several servers share the database."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ficshelf.core.models import WorkerHeartbeat
from ficshelf.core.recovery import WORKER_STOPPED, fail_abandoned_tasks, recover
from ficshelf.core.workers import process_tag, this_machine
from ficshelf.downloads import made_files
from ficshelf.downloads.bulk import actions as bulk
from ficshelf.downloads.formats import FORMATS_BY_EXTENSION
from ficshelf.downloads.made_files import claim_preparation
from ficshelf.downloads.models import MadeFile, Preparation
from ficshelf.downloads.tasks import prepare_download
from ficshelf.search.backends.embedded import TantivyBackend
from ficshelf.search.backends.embedded.storage import new_folder, read_pointer, writer_lock
from ficshelf.search.tasks import drain_index_queue
from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.timedelta(hours=2)


@pytest.fixture(autouse=True)
def _tasks_in_the_database(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def a_dead_pid() -> int:
    finished = subprocess.Popen(["true"])
    finished.wait()
    return finished.pid


def heartbeat(worker_id: str, *, machine: str, process: str, beat_ago: float = 0) -> None:
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        host="somewhere",
        machine=machine,
        process=process,
        beat_at=timezone.now() - datetime.timedelta(seconds=beat_ago),
    )


def running(enqueue: Callable[[], Any], worker_id: str, started_ago: float = 0) -> DBTaskResult:
    """A task row as django-tasks-db leaves it while ``worker_id`` runs it."""
    result = enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING",
        worker_ids=[worker_id],
        started_at=timezone.now() - datetime.timedelta(seconds=started_ago),
    )
    return DBTaskResult.objects.get(pk=result.id)


def status_of(row: DBTaskResult) -> str:
    row.refresh_from_db()
    return row.status


# ---- Task rows ----


def test_a_task_of_a_dead_worker_of_this_machine_is_marked_failed_at_once() -> None:
    heartbeat("gone", machine=this_machine(), process=f"{a_dead_pid()}@1")
    row = running(drain_index_queue.enqueue, "gone")

    recover()

    row.refresh_from_db()
    assert row.status == "FAILED"
    assert row.exception_class_path == WORKER_STOPPED
    assert "gone" in row.traceback
    assert not WorkerHeartbeat.objects.filter(worker_id="gone").exists()


def test_a_task_of_a_live_worker_is_left_running() -> None:
    heartbeat("alive", machine=this_machine(), process=process_tag(os.getpid()) or "")
    row = running(drain_index_queue.enqueue, "alive", started_ago=3 * 60 * 60)

    recover()

    assert status_of(row) == "RUNNING"
    assert WorkerHeartbeat.objects.filter(worker_id="alive").exists()


def test_a_reused_pid_does_not_pass_for_the_dead_worker() -> None:
    pid = os.getpid()  # running, but started at another time than the worker recorded
    heartbeat("gone", machine=this_machine(), process=f"{pid}@1")
    row = running(drain_index_queue.enqueue, "gone")

    recover()

    assert status_of(row) == "FAILED"


def test_another_servers_worker_is_dead_only_once_its_heartbeat_has_aged() -> None:
    heartbeat("recent", machine="another-server", process="12@34", beat_ago=30)
    heartbeat("silent", machine="another-server", process="56@78", beat_ago=5 * 60)
    kept = running(drain_index_queue.enqueue, "recent", started_ago=3 * 60 * 60)
    taken = running(drain_index_queue.enqueue, "silent")

    recover()

    assert status_of(kept) == "RUNNING"
    assert status_of(taken) == "FAILED"


def test_a_task_of_a_worker_without_heartbeat_is_taken_only_after_an_hour() -> None:
    recent = running(drain_index_queue.enqueue, "plain-db-worker", started_ago=10 * 60)
    old = running(drain_index_queue.enqueue, "plain-db-worker", started_ago=2 * 60 * 60)

    recover()

    assert status_of(recent) == "RUNNING"
    assert status_of(old) == "FAILED"


def test_a_task_is_recovered_by_one_server_only() -> None:
    heartbeat("gone", machine=this_machine(), process=f"{a_dead_pid()}@1")
    running(drain_index_queue.enqueue, "gone")

    first = fail_abandoned_tasks()
    second = fail_abandoned_tasks()

    assert [task.task_path for task in first] == ["ficshelf.search.tasks.drain_index_queue"]
    assert second == []


def test_a_worker_back_from_a_database_outage_recovers_its_own_interrupted_task() -> None:
    heartbeat("me", machine=this_machine(), process=process_tag(os.getpid()) or "")
    row = running(drain_index_queue.enqueue, "me")

    recover(stopped_worker_id="me")

    assert status_of(row) == "FAILED"
    assert WorkerHeartbeat.objects.filter(worker_id="me").exists()  # still running


# ---- Download markers and half-written files ----


PDF = FORMATS_BY_EXTENSION["pdf"]
PAPER = PDF.variants[0]


def pdf_being_made(worker_id: str) -> tuple[int, str, str]:
    """A PDF claimed by a request and being made by ``worker_id``: its work, version and
    claim."""
    work = WorkFactory()
    key = "v1"
    name = made_files.work_file_name(work.pk, key, PDF.filename(PAPER))
    assert claim_preparation(name)
    running(lambda: prepare_download.enqueue(work.pk, key, "pdf", PAPER, "u", "s", "n"), worker_id)
    return work.pk, key, name


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def age_claim(name: str, seconds: float) -> None:
    then = timezone.now() - datetime.timedelta(seconds=seconds)
    assert Preparation.objects.filter(name=name).update(since=then) == 1


def test_the_claim_of_a_pdf_whose_worker_died_is_released() -> None:
    heartbeat("gone", machine=this_machine(), process=f"{a_dead_pid()}@1")
    work_id, _key, name = pdf_being_made("gone")

    lines = recover()

    assert not Preparation.objects.filter(name=name).exists()
    assert claim_preparation(name)  # the next request queues it
    assert any(f"work {work_id}" in line for line in lines)


def test_the_claim_of_a_pdf_a_live_worker_makes_is_kept() -> None:
    heartbeat("alive", machine=this_machine(), process=process_tag(os.getpid()) or "")
    _work_id, _key, name = pdf_being_made("alive")
    age_claim(name, 10 * 60)

    recover()

    assert Preparation.objects.filter(name=name).exists()


def test_a_claim_no_task_holds_is_removed_once_past_the_grace() -> None:
    work = WorkFactory()
    name = made_files.work_file_name(work.pk, "v1", "work.pdf")
    assert claim_preparation(name)

    recover()
    assert Preparation.objects.filter(name=name).exists()  # a request may be about to queue

    age_claim(name, 2 * 60)
    lines = recover()
    assert not Preparation.objects.filter(name=name).exists()
    assert "Removed 1 'being prepared' claim(s) of files no task was making." in lines


def test_a_file_a_dead_worker_left_half_made_is_removed_and_a_live_ones_kept() -> None:
    heartbeat("alive", machine=this_machine(), process=process_tag(os.getpid()) or "")
    _work_id, _key, live_name = pdf_being_made("alive")
    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    MadeFile.objects.create(name=live_name, started_at=long_ago)
    left = MadeFile.objects.create(name="bulk/left.zip", started_at=long_ago)
    left.chunks.create(position=0, data=b"PK half a zip")
    done = made_files.store("bulk/done.zip", b"PK a whole zip")

    lines = recover()

    assert set(MadeFile.objects.values_list("name", flat=True)) == {live_name, done.name}
    assert "Removed 1 download file(s) a stopped worker left half-made." in lines


def test_a_bulk_zip_whose_worker_died_is_released_and_its_part_removed() -> None:
    heartbeat("gone", machine=this_machine(), process=f"{a_dead_pid()}@1")
    assert bulk.claim_packing("zipkey")
    running(lambda: _pack_zip_task().enqueue("zipkey", "h", [], ["epub"], False, "s", "n"), "gone")
    bulk.bulk_dir().mkdir(parents=True)
    part = bulk.bulk_dir() / "zipkey.0123abcd.part"
    part.write_bytes(b"PK half a zip")
    age(part, 2 * 60)

    recover()

    assert not Preparation.objects.exists()
    assert bulk.claim_packing("zipkey")
    assert not part.exists()


def test_the_part_of_a_zip_being_packed_is_kept() -> None:
    heartbeat("alive", machine=this_machine(), process=process_tag(os.getpid()) or "")
    running(lambda: _pack_zip_task().enqueue("zipkey", "h", [], ["epub"], False, "s", "n"), "alive")
    bulk.bulk_dir().mkdir(parents=True)
    part = bulk.bulk_dir() / "zipkey.0123abcd.part"
    part.write_bytes(b"PK half a zip")
    age(part, 10 * 60)

    recover()

    assert part.exists()


def _pack_zip_task() -> Any:
    from ficshelf.downloads.bulk.tasks import pack_zip

    return pack_zip


# ---- Half-built search index folders ----


def test_half_built_index_folders_are_removed_and_the_live_one_kept() -> None:
    WorkFactory()
    drain_index_queue.call()
    location = Path(settings.DATA_DIR) / "search"
    pointer = read_pointer(location)
    assert pointer is not None
    abandoned = [new_folder(location) for _ in range(2)]
    (abandoned[0] / "half.segment").write_bytes(b"...")

    lines = recover()

    assert [p.name for p in location.glob("index-*")] == [pointer.folder.name]
    assert sum("half-built search index" in line for line in lines) == 2
    backend = TantivyBackend(str(location))
    assert backend.search(_one_result()).total == 1


def test_the_folder_of_a_running_rebuild_is_left_alone() -> None:
    location = Path(settings.DATA_DIR) / "search"
    location.mkdir(parents=True)
    building = new_folder(location)

    with writer_lock(location):  # as a running `ficshelf reindex` holds it
        recover()

    assert building.exists()
    shutil.rmtree(building)


def _one_result() -> Any:
    from ficshelf.search.query import WorkQuery

    return WorkQuery(per_page=1, facet_limit=0)
