"""System checks for the people who run an archive (``ficshelf check``).

Each problem has a stable id (ficshelf.E001...) so self-hosting docs can explain it. The
checks of higher apps live in those apps (``downloads/checks.py``, ``search/checks.py``)
and are registered by their ``ready()``, as this module is by core's: core imports no
higher app.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, Warning, register

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
