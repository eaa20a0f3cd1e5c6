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


# ---- Several app servers on one database (docs/self-hosting.md, "Several servers") ----


@register(deploy=True)
def check_several_servers(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Servers that share a database must share what they agree on: each message names
    the setting to set on every server."""
    several = _several_servers()
    if several is None:
        return _check_one_server()
    messages: list[CheckMessage] = []
    if not _on_postgresql():
        messages.append(
            Error(
                f"{several}, but the database is SQLite in this server's data folder, "
                "which no other server can reach.",
                hint="Set DATABASE_URL=postgres://user@host/dbname (PostgreSQL 15+) on every "
                "server and run `ficshelf migrate` once.",
                id="ficshelf.E010",
            )
        )
    if not settings.REDIS_URL:
        messages.append(
            Error(
                f"{several}, but REDIS_URL is not set: each server keeps sessions, rate "
                "limits and kept pages in a cache of its own, so a logout or a rate limit "
                "on one server does not hold on the others.",
                hint="Run Redis and set REDIS_URL=redis://host:6379/0 (the same on every server).",
                id="ficshelf.E011",
            )
        )
    if settings.SECRET_KEY_IS_PER_FOLDER:
        messages.append(
            Error(
                f"{several}, but the secret key is the one made in this server's data "
                f"folder ({settings.DATA_DIR / 'secret_key'}): each server signs sessions, "
                "form tokens and password-reset links with a key of its own, so a reader "
                "signed in on one server is a stranger to the others.",
                hint="Set FICSHELF_SECRET_KEY to the same long random value on every server "
                "(the contents of one server's secret_key file will do).",
                id="ficshelf.E012",
            )
        )
    if _search_index_is_per_server():
        messages.append(
            Error(
                f"{several}, but search uses the embedded index in each server's data "
                "folder: a change reaches only the index of the server whose worker took "
                "it, so servers find different works.",
                hint="Set FICSHELF_SEARCH=per-host-embedded on every server (each keeps its "
                "own index, fed from the queue in the database; decision 0025), or "
                "FICSHELF_SEARCH_BACKEND=ficshelf.search.backends.postgres.PostgresBackend "
                "and run `ficshelf reindex` once.",
                id="ficshelf.E013",
            )
        )
    return messages


def _several_servers() -> str | None:
    """What says there are several servers ("FICSHELF_SERVERS is 2"; "2 servers were seen
    running on this database: ..."), or None for one."""
    from ficshelf.core.servers import SEEN_WITHIN_SECONDS, servers_seen

    # In SQLite every server has a database of its own: none sees another there.
    seen = servers_seen() if _on_postgresql() else []
    if len(seen) > 1:
        names = ", ".join(f"{server.host} ({server.data_dir})" for server in seen)
        minutes = SEEN_WITHIN_SECONDS // 60
        return f"{len(seen)} servers ran on this database in the last {minutes} minutes ({names})"
    if settings.FICSHELF_SERVERS > 1:
        return f"FICSHELF_SERVERS is {settings.FICSHELF_SERVERS}"
    return None


def _on_postgresql() -> bool:
    return "postgresql" in settings.DATABASES["default"]["ENGINE"]


def _check_one_server() -> list[CheckMessage]:
    if _on_postgresql() and settings.SECRET_KEY_IS_PER_FOLDER:
        return [
            Warning(
                "The database is PostgreSQL, but the secret key is in the data folder "
                f"({settings.DATA_DIR / 'secret_key'}): a backup of the database alone "
                "loses it (everyone is signed out), and a second server would make its own.",
                hint="Set FICSHELF_SECRET_KEY to the contents of that file, or back the "
                "file up with the database.",
                id="ficshelf.W010",
            )
        ]
    return []


def _search_index_is_per_server() -> bool:
    """Whether each server answers from an index only its own worker writes. Not with
    ``FICSHELF_SEARCH=per-host-embedded``: every server's indexer follows the shared queue
    (the search app's checks explain that mode)."""
    from django.utils.module_loading import import_string

    if settings.FICSHELF_SEARCH == "per-host-embedded":
        return False

    try:
        backend_class = import_string(settings.FICSHELF_SEARCH_BACKEND)
    except ImportError:
        return False  # not ours to judge: the first search says what is wrong with it
    return bool(getattr(backend_class, "is_per_server", False))


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
