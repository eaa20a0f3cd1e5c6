"""What a worker killed while making a download leaves, recovered on the next start
(``core.recovery``): the claim of the file, zip or book it was making (which would keep
readers on the "being prepared" page until ``PREPARATION_TIMEOUT_SECONDS``), files it left
half-kept in the database, and files half-written in the data folder.
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path

from django.utils import timezone

from ficshelf.core.recovery import AbandonedTask, pending_task_calls
from ficshelf.downloads import made_files
from ficshelf.downloads.bulk.actions import book_name, bulk_dir, release_packing, zip_name
from ficshelf.downloads.files import downloads_dir
from ficshelf.downloads.formats import FORMATS_BY_EXTENSION
from ficshelf.downloads.models import DataExport, MadeFile, Preparation

PREPARE_TASK = "ficshelf.downloads.tasks.prepare_download"
PACK_ZIP_TASK = "ficshelf.downloads.bulk.tasks.pack_zip"
PACK_BOOK_TASK = "ficshelf.downloads.bulk.tasks.pack_book"
PACK_TASKS = (PACK_ZIP_TASK, PACK_BOOK_TASK)
PACK_MEMBER_DATA_TASK = "ficshelf.downloads.tasks.pack_member_data"
# A claim or part this young may be a request's that has not queued its task yet.
GRACE_SECONDS = 60
# ``files.store`` writes beside the file in requests too, where no task row says whose a
# part is; one this old is from a process that died writing it.
STORED_PART_SECONDS = 60 * 60


def recover_downloads(abandoned: list[AbandonedTask]) -> list[str]:
    done = []
    for task in abandoned:
        if task.task_path == PREPARE_TASK:
            work_id, key, extension, variant = task.args[:4]
            download_format = FORMATS_BY_EXTENSION.get(extension)
            if download_format is None:  # a format since removed: its claim is swept
                continue
            name = made_files.work_file_name(work_id, key, download_format.filename(variant))
            made_files.release_preparation(name)
            done.append(
                f"The {download_format.label} of work {work_id} was being made by a stopped "
                "worker: the next request for it makes it again."
            )
        elif task.task_path in PACK_TASKS:
            release_packing(task.args[0])
            done.append("A bulk download was being packed by a stopped worker: released.")
        elif task.task_path == PACK_MEMBER_DATA_TASK:
            # The member is told on their page and may ask again.
            DataExport.objects.filter(
                pk=task.args[0], state__in=[DataExport.State.QUEUED, DataExport.State.PACKING]
            ).update(state=DataExport.State.FAILED, finished_at=timezone.now())
            done.append("A member's data export was being packed by a stopped worker: failed.")
    held_claims, held_files = _held_by_live_tasks()
    done.extend(_remove_unheld_claims(held_claims))
    done.extend(_remove_unfinished_files(held_files))
    done.extend(_remove_dead_parts())
    return done


def _held_by_live_tasks() -> tuple[set[str], set[str]]:
    """The claims and the file names of the download tasks queued or running now."""
    claims: set[str] = set()
    files: set[str] = set()
    for args, _kwargs in pending_task_calls(PREPARE_TASK):
        work_id, key, extension, variant = args[:4]
        if extension in FORMATS_BY_EXTENSION:
            name = made_files.work_file_name(
                work_id, key, FORMATS_BY_EXTENSION[extension].filename(variant)
            )
            claims.add(name)
            files.add(name)
    for path, file_name in ((PACK_ZIP_TASK, zip_name), (PACK_BOOK_TASK, book_name)):
        for args, _kwargs in pending_task_calls(path):
            claims.add(f"{made_files.BULK_PREFIX}{args[0]}")
            files.add(file_name(args[0]))
    return claims, files


def _remove_unheld_claims(held: set[str]) -> list[str]:
    """Claims of files no queued or running task is making (one was lost, or its worker
    died before this recovery ran)."""
    removed, _ = (
        Preparation.objects.filter(state=Preparation.State.QUEUED, since__lt=_ago(GRACE_SECONDS))
        .exclude(name__in=held)
        .delete()
    )
    if not removed:
        return []
    return [f"Removed {removed} 'being prepared' claim(s) of files no task was making."]


def _remove_unfinished_files(held: set[str]) -> list[str]:
    """Files a stopped worker left half-kept in the database (never served: incomplete)."""
    removed, by_model = (
        MadeFile.objects.filter(is_complete=False, started_at__lt=_ago(GRACE_SECONDS))
        .exclude(name__in=held)
        .delete()
    )
    files = by_model.get(MadeFile._meta.label, 0)
    if not removed:
        return []
    return [f"Removed {files} download file(s) a stopped worker left half-made."]


def _remove_dead_parts() -> list[str]:
    packing = {args[0] for path in PACK_TASKS for args, _kwargs in pending_task_calls(path)}
    packing |= {
        f"member-data-{args[0]}" for args, _kwargs in pending_task_calls(PACK_MEMBER_DATA_TASK)
    }
    dead = [
        part
        for part in bulk_dir().glob("*.part")
        if part.name.split(".", 1)[0] not in packing and _older_than(part, GRACE_SECONDS)
    ]
    dead += [
        part
        for part in downloads_dir().glob("*/*/*.part")
        if _older_than(part, STORED_PART_SECONDS)
    ]
    dead += [
        part
        for part in made_files.local_copies_dir().glob("*.part")
        if _older_than(part, made_files.LOCAL_PART_SECONDS)
    ]
    for part in dead:
        part.unlink(missing_ok=True)
    if not dead:
        return []
    return [f"Removed {len(dead)} half-written download file(s) left by a stopped process."]


def _ago(seconds: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except FileNotFoundError:
        return False
