"""System checks for the people who run an archive (``ficshelf check``).

Each problem has a stable id (ficshelf.E001...) so self-hosting docs can explain it.
"""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, Tags, Warning, register

LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}


@register()
def check_data_dir_writable(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if os.access(settings.DATA_DIR, os.W_OK):
        return []
    return [
        Error(
            f"The data folder {settings.DATA_DIR} is not writable.",
            hint="Set FICSHELF_DATA_DIR to a folder the archive's user can write to.",
            id="ficshelf.E001",
        )
    ]


@register(deploy=True)
def check_debug_off_when_public(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG and set(settings.ALLOWED_HOSTS) - LOCAL_HOSTS:
        return [
            Warning(
                "FICSHELF_DEBUG is on while the archive answers to public host names.",
                hint="Debug pages show settings and code to anyone; unset FICSHELF_DEBUG.",
                id="ficshelf.W001",
            )
        ]
    return []


@register()
def check_calibre_for_kindle_files(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if shutil.which("ebook-convert"):
        return []
    return [
        Info(
            "calibre's ebook-convert is not installed: AZW3 and MOBI files cannot be imported.",
            hint="Install calibre (apt install calibre) to import Kindle files.",
            id="ficshelf.I001",
        )
    ]


@register()
def check_fonts_for_pdfs(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    from ficshelf.downloads.exporters.pdf_fonts import FontconfigMissing, scripts_without_fonts

    try:
        missing = scripts_without_fonts()
    except FontconfigMissing:
        return [
            Warning(
                "The fontconfig library is not installed: PDF downloads cannot be made.",
                hint="Install WeasyPrint's libraries (apt install libpango-1.0-0 "
                "libpangoft2-1.0-0) and fonts.",
                id="ficshelf.W003",
            )
        ]
    if not missing:
        return []
    names = " or ".join(", ".join(s.name for s in missing).rsplit(", ", 1))
    packages = " ".join(dict.fromkeys(s.packages for s in missing))
    return [
        Warning(
            f"No installed font draws {names}: PDF downloads show those characters as empty boxes.",
            hint=f"Install fonts that do (apt install {packages}).",
            id="ficshelf.W003",
        )
    ]


# A change normally reaches the index within seconds; this long means nobody drains it.
STALE_QUEUE_MINUTES = 10


@register(Tags.database)
def check_search_index_queue_drained(
    app_configs: Any, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    from django.db import DatabaseError
    from django.utils import timezone

    from ficshelf.search.models import IndexQueueEntry

    cutoff = timezone.now() - timedelta(minutes=STALE_QUEUE_MINUTES)
    try:
        waiting = IndexQueueEntry.objects.filter(queued_at__lt=cutoff).count()
    except DatabaseError:  # not migrated yet: migrate's own checks come first
        return []
    if not waiting:
        return []
    return [
        Warning(
            f"Changes to {waiting:,} work{'' if waiting == 1 else 's'} have waited more than "
            f"{STALE_QUEUE_MINUTES} minutes for the search index: listings and search do "
            "not show them yet.",
            hint="Is the worker running? `ficshelf serve` starts it; or run `ficshelf reindex`.",
            id="ficshelf.W002",
        )
    ]
