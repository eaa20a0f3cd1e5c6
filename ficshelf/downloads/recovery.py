"""What a worker killed while making a download leaves, recovered on the next start
(``core.recovery``): the "being prepared" marker of its file (which would keep readers on
the "being prepared" page until ``PREPARATION_TIMEOUT_SECONDS``), the claim of its bulk
zip or book, and files half-written when it died.
"""

from __future__ import annotations

import time
from pathlib import Path

from ficshelf.core.recovery import AbandonedTask, pending_task_calls
from ficshelf.downloads.bulk.actions import bulk_dir, release_packing
from ficshelf.downloads.files import downloads_dir, release_preparation
from ficshelf.downloads.formats import FORMATS_BY_EXTENSION

PREPARE_TASK = "ficshelf.downloads.tasks.prepare_download"
PACK_TASKS = ("ficshelf.downloads.bulk.tasks.pack_zip", "ficshelf.downloads.bulk.tasks.pack_book")
# A marker or part this young may be a request's that has not queued its task yet.
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
            if download_format is None:  # a format since removed: its marker is swept
                continue
            release_preparation(work_id, key, download_format.filename(variant))
            done.append(
                f"The {download_format.label} of work {work_id} was being made by a stopped "
                "worker: the next request for it makes it again."
            )
        elif task.task_path in PACK_TASKS:
            release_packing(task.args[0])
            done.append("A bulk download was being packed by a stopped worker: released.")
    done.extend(_remove_unheld_markers())
    done.extend(_remove_dead_parts())
    return done


def _remove_unheld_markers() -> list[str]:
    """Markers of files no queued or running task is making (one was lost, or its worker
    died before this recovery ran)."""
    held = set()
    for args, _kwargs in pending_task_calls(PREPARE_TASK):
        work_id, key, extension, variant = args[:4]
        if extension in FORMATS_BY_EXTENSION:
            held.add((str(work_id), key, FORMATS_BY_EXTENSION[extension].filename(variant)))
    removed = 0
    for marker in downloads_dir().glob("*/*/*.queued"):
        version = marker.parent
        owner = (version.parent.name, version.name, marker.name.removesuffix(".queued"))
        if owner not in held and _older_than(marker, GRACE_SECONDS):
            marker.unlink(missing_ok=True)
            removed += 1
    if not removed:
        return []
    return [f"Removed {removed} 'being prepared' marker(s) of files no task was making."]


def _remove_dead_parts() -> list[str]:
    packing = {args[0] for path in PACK_TASKS for args, _kwargs in pending_task_calls(path)}
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
    for part in dead:
        part.unlink(missing_ok=True)
    if not dead:
        return []
    return [f"Removed {len(dead)} half-written download file(s) left by a stopped process."]


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except FileNotFoundError:
        return False
