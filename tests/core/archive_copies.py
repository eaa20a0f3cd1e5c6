"""Helpers for the backup, restore and move tests: a populated archive, a second database
to read a copy through, scratch PostgreSQL databases, and the CLI in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections

from ficshelf.accounts.models import User
from ficshelf.core.archive_tables import digests
from ficshelf.social.actions import leave_kudos, post_comment, save_bookmark
from ficshelf.social.counters import add_hits
from ficshelf.social.models import Bookmark, Comment, Kudos
from ficshelf.works.models import Chapter, Collection, Work
from tests.factories import UserFactory, WorkFactory

# What the issue asks to compare after a restore or a move.
COMPARED = [Work, Chapter, User, Comment, Kudos, Bookmark]
POSTGRES_URL = os.environ.get("FICSHELF_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/")
REPO = Path(__file__).resolve().parents[2]


def populate() -> dict[int, tuple[int, int, int, int]]:
    """Works with chapters, members, comments (with a reply), kudos (members' and a
    guest's), bookmarks, hits and a collection; returns each work's stored counts."""
    readers = [UserFactory() for _ in range(4)]
    works = [WorkFactory(chapters=3) for _ in range(3)]
    WorkFactory(draft=True)
    for number, work in enumerate(works):
        for reader in readers[: number + 2]:
            leave_kudos(work, actor=reader)
        leave_kudos(work, actor=AnonymousUser(), guest=f"guest-{number}")
        chapter = work.chapters.order_by("position").first()
        assert chapter is not None
        first = post_comment(chapter, actor=readers[0], text=f"<p>Loved part {number}.</p>")
        post_comment(chapter, actor=readers[1], text="<p>Me too.</p>", parent=first)
        save_bookmark(actor=readers[2], work=work, notes="<p>Read again</p>", tags="comfort")
        add_hits({work.pk: 10 + number})
    Collection.objects.create(name="fest", title="A Summer Fest").works.add(works[0])
    return stored_counts("default")


def stored_counts(using: str) -> dict[int, tuple[int, int, int, int]]:
    return {
        pk: counts
        for pk, *counts in Work.objects.using(using).values_list(
            "pk", "kudos_count", "hits_count", "comments_count", "bookmarks_count"
        )
    }


def compared_digests(using: str) -> dict[str, str]:
    return digests(COMPARED, using)


@contextmanager
def database_alias(alias: str, database: dict[str, Any]) -> Iterator[str]:
    """``alias`` reads ``database`` for the length of the block."""
    configured = connections.configure_settings(
        {"default": dict(connections.settings["default"]), alias: database}
    )
    connections.settings[alias] = configured[alias]
    # Connected at once: Django's test cases refuse a first connection to an alias not
    # declared in advance, but not one already made.
    connections[alias].connect()
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        connections.settings.pop(alias, None)


def postgres_server() -> dict[str, Any]:
    """Where scratch databases are made: the test run's own server on the PostgreSQL
    suite, else ``POSTGRES_URL``."""
    if connection.vendor == "postgresql":
        found = connection.settings_dict
        return {
            "host": found["HOST"] or "127.0.0.1",
            "port": int(found["PORT"] or 5432),
            "user": found["USER"] or "postgres",
            "password": found["PASSWORD"] or "",
        }
    import dj_database_url

    parsed = dj_database_url.parse(POSTGRES_URL + "postgres")
    return {
        "host": parsed["HOST"],
        "port": int(parsed["PORT"] or 5432),
        "user": parsed["USER"],
        "password": parsed["PASSWORD"] or "",
    }


def _admin(server: dict[str, Any]) -> psycopg.Connection[Any]:
    return psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=3, **server)


@contextmanager
def scratch_postgres(purpose: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """A new empty PostgreSQL database (its URL and Django settings), dropped afterwards;
    the test is skipped when no PostgreSQL answers, unless FICSHELF_REQUIRE_POSTGRES=1."""
    server = postgres_server()
    try:
        admin = _admin(server)
    except psycopg.OperationalError as problem:
        if os.environ.get("FICSHELF_REQUIRE_POSTGRES") == "1":
            raise
        pytest.skip(f"no PostgreSQL at {server['host']}:{server['port']} ({problem})")
    name = f"ficshelf_{purpose}_test_{os.getpid()}"
    with admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    password = f":{server['password']}" if server["password"] else ""
    url = f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    settings = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": server["user"],
        "PASSWORD": server["password"],
        "HOST": server["host"],
        "PORT": server["port"],
    }
    try:
        yield url, settings
    finally:
        with _admin(server) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def ficshelf(*arguments: str, data_dir: Path, database_url: str = "") -> Any:
    """``ficshelf ARGUMENTS`` in a process of its own, with its own data folder and
    database (none given: SQLite in the folder)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    environment["FICSHELF_DATA_DIR"] = str(data_dir)
    environment["PYTHONPATH"] = str(REPO)
    if database_url:
        environment["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "ficshelf", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def folder_state(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` and its bytes (the cache's are left out: the process
    that looks opens it)."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).parts[0] != "cache"
    }
