"""``ficshelf backup`` and ``ficshelf restore``: a populated archive backed up, restored into
an empty data folder (SQLite) or database (PostgreSQL suite) by the command line, and
compared row for row; and every refusal leaving nothing written."""

from __future__ import annotations

import errno
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ficshelf.core.archive_tables import row_counts
from ficshelf.social.models import Bookmark, Comment, Kudos
from tests.core.archive_copies import (
    compared_digests,
    database_alias,
    ficshelf,
    folder_state,
    populate,
    scratch_postgres,
    stored_counts,
)

# serialized_rollback: the flush after each test would take the rows the migrations made
# (languages, fixed tags) from the tests after it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SECRET_KEY = "a-secret-key-of-the-backed-up-archive-" + "x" * 30


@pytest.fixture
def data_folder() -> Path:
    """The archive's own files, beside its database: its secret key and a mail."""
    folder = Path(settings.DATA_DIR)
    (folder / "mail").mkdir(parents=True)
    (folder / "secret_key").write_text(SECRET_KEY)
    (folder / "mail" / "welcome.eml").write_text("Subject: Welcome\n\nHello.\n")
    (folder / "search").mkdir()
    (folder / "search" / "segment").write_text("rebuilt, never backed up")
    return folder


@contextmanager
def restore_target(tmp_path: Path, name: str) -> Iterator[tuple[Path, str, dict[str, Any]]]:
    """An empty data folder and, on the PostgreSQL suite, an empty database: where a
    restore goes, its URL ("" for SQLite in the folder) and how to read it."""
    folder = tmp_path / name
    folder.mkdir()
    if connection.vendor == "postgresql":
        with scratch_postgres(f"restore_{name}") as (url, database):
            yield folder, url, database
    else:
        database = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(folder / "ficshelf.sqlite3"),
        }
        yield folder, "", database


def test_a_restored_backup_holds_every_row_and_the_stored_counts(
    tmp_path: Path, data_folder: Path
) -> None:
    counts = populate()
    before = compared_digests("default")
    tables_before = row_counts()
    backup = tmp_path / "archive.tar"
    out = StringIO()
    call_command("backup", str(backup), "--quiet", stdout=out)
    assert "Backed up 4 works" in out.getvalue()
    with tarfile.open(backup) as archive:
        names = archive.getnames()
    assert "files/secret_key" in names and "files/mail/welcome.eml" in names
    assert not [name for name in names if name.startswith("files/search")]

    with restore_target(tmp_path, "new") as (folder, url, database):
        restored = ficshelf("restore", str(backup), "--quiet", data_dir=folder, database_url=url)
        assert restored.returncode == 0, restored.stderr
        assert "Indexed 3 works." in restored.stdout  # the posted ones, the draft not
        assert "Restored 4 works" in restored.stdout
        assert (folder / "secret_key").read_text() == SECRET_KEY
        assert (folder / "mail" / "welcome.eml").read_text().startswith("Subject: Welcome")
        with database_alias("restored", database):
            assert compared_digests("restored") == before
            assert stored_counts("restored") == counts  # equal, not counted twice
            for work_id, (kudos, _, comments, bookmarks) in counts.items():
                assert kudos == Kudos.objects.using("restored").filter(work_id=work_id).count()
                assert comments == Comment.objects.using("restored").filter(work_id=work_id).count()
                assert (
                    bookmarks == Bookmark.objects.using("restored").filter(work_id=work_id).count()
                )
            assert sorted(hits for _, hits, _, _ in counts.values()) == [0, 10, 11, 12]
            tables_after = row_counts("restored")
            # The index queue is emptied by the reindex that ends the restore.
            tables_after.pop("search_indexqueueentry")
            tables_before.pop("search_indexqueueentry")
            assert tables_after == tables_before

            # Restoring again over it is refused, and nothing changes.
            files = folder_state(folder)
            again = ficshelf("restore", str(backup), "--quiet", data_dir=folder, database_url=url)
            assert again.returncode == 1
            assert "Nothing was changed" in again.stderr
            assert "Traceback" not in again.stderr
            assert folder_state(folder) == files
            assert compared_digests("restored") == before


def _flip_a_byte_of(backup: Path, member_name: str, damaged: Path) -> None:
    with tarfile.open(backup) as archive:
        member = archive.getmember(member_name)
    data = bytearray(backup.read_bytes())
    data[member.offset_data + member.size // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))


def test_a_damaged_backup_or_a_bad_path_is_refused_and_nothing_is_written(
    tmp_path: Path, data_folder: Path
) -> None:
    populate()
    backup = tmp_path / "archive.tar"
    call_command("backup", str(backup), "--quiet", stdout=StringIO())
    database_member = "database.pgdump" if connection.vendor == "postgresql" else "database.sqlite3"
    tampered = tmp_path / "tampered.tar"
    _flip_a_byte_of(backup, database_member, tampered)
    cut_short = tmp_path / "cut-short.tar"
    cut_short.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    not_a_backup = tmp_path / "notes.tar"
    not_a_backup.write_bytes(b"These are my notes, not a backup.\n" * 100)
    cases = {
        tampered: "checksum of database",
        cut_short: "cut short",
        not_a_backup: "not a Ficshelf backup",
        tmp_path / "missing.tar": "There is no file",
        tmp_path: "is a folder",
    }
    with restore_target(tmp_path, "empty") as (folder, url, _):
        for path, message in cases.items():
            result = ficshelf("restore", str(path), data_dir=folder, database_url=url)
            assert result.returncode == 1, result.stdout
            assert message in result.stderr
            assert "Traceback" not in result.stderr
            # Nothing written: no database, no temporary file, not the backup's key.
            assert not (folder / "ficshelf.sqlite3").exists()
            assert not [name for name in folder_state(folder) if name.startswith(".")]
            assert (folder / "secret_key").read_text() != SECRET_KEY
            assert not (folder / "mail").exists()
            if url:
                with psycopg.connect(url, connect_timeout=3) as db:
                    tables = db.execute(
                        "SELECT count(*) FROM information_schema.tables "
                        "WHERE table_schema = 'public'"
                    ).fetchone()
                    assert tables == (0,)


def test_a_backup_to_a_bad_path_or_a_full_disk_says_so_and_leaves_nothing(
    tmp_path: Path, data_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    populate()
    with pytest.raises(CommandError, match="does not exist: make it first"):
        call_command("backup", str(tmp_path / "no-such-folder" / "a.tar"), "--quiet")
    assert not (tmp_path / "no-such-folder").exists()

    existing = tmp_path / "kept.tar"
    existing.write_text("an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(existing), "--quiet")
    assert existing.read_text() == "an older backup"

    target = tmp_path / "full"
    target.mkdir()

    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tarfile.TarFile, "addfile", disk_full)
    with pytest.raises(CommandError, match=r"is full .* no backup was written"):
        call_command("backup", str(target / "a.tar"), "--quiet")
    assert list(target.iterdir()) == []
    monkeypatch.undo()

    # A folder given: a dated file inside it.
    out = StringIO()
    call_command("backup", str(target), "--quiet", stdout=out)
    (made,) = target.iterdir()
    assert made.name.startswith("ficshelf-backup-") and made.suffix == ".tar"
    assert str(made) in out.getvalue()
