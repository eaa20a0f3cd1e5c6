"""`ficshelf import`: one line per file, a summary, non-zero exit when anything failed."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ficshelf.works.models import Work

pytestmark = pytest.mark.django_db

# An invented work in the AO3 work-page text form (what copying a work page gives).
WORK_TEXT = """Work Header

The Quiet Harbour

Summary:

Two keepers, one lamp.

Notes:

A short note before.

Work Text:

The lamp turned all night.

…..

Morning came at last.
"""


def run_import(*args: str) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("import", *args, "--no-progress", stdout=out)
    except CommandError as error:
        return out.getvalue() + str(error), error.returncode
    return out.getvalue(), 0


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_text_file_is_imported_under_the_as_pseud(tmp_path: Path) -> None:
    path = write(tmp_path, "harbour.txt", WORK_TEXT)
    output, code = run_import(str(path), "--as", "keeper")
    assert code == 0
    assert "IMPORTED" in output and "The Quiet Harbour" in output
    work = Work.objects.get()
    assert work.creatorships.get().pseud.name == "keeper"


def test_file_without_creator_and_without_as_fails_with_advice(tmp_path: Path) -> None:
    path = write(tmp_path, "harbour.txt", WORK_TEXT)
    output, code = run_import(str(path))
    assert code == 1
    assert "--as" in output
    assert not Work.objects.exists()


def test_folder_is_read_and_bad_files_are_reported_one_line_each(tmp_path: Path) -> None:
    write(tmp_path, "good.txt", WORK_TEXT)
    write(tmp_path, "empty.html", "")
    write(tmp_path, "noise.bin", bytes(range(256)) * 4)
    write(tmp_path, "broken.epub", b"PK\x03\x04 this is not really a zip")
    output, code = run_import(str(tmp_path), "--as", "keeper")
    assert code == 1
    assert Work.objects.count() == 1
    assert "FAILED" in output and "empty.html: the file is empty" in output
    assert f"SKIPPED  {tmp_path / 'noise.bin'}: not a format Ficshelf can import" in output
    assert "FAILED   " + str(tmp_path / "broken.epub") + ":" in output
    assert "1 imported, 0 updated, 1 skipped, 2 failed" in output


def test_missing_path_is_reported(tmp_path: Path) -> None:
    output, code = run_import(str(tmp_path / "nope.html"), "--as", "keeper")
    assert code == 1
    assert "no such file or folder" in output


def test_huge_file_is_refused_before_reading(tmp_path: Path, settings: object) -> None:
    settings.FICSHELF_IMPORT_MAX_BYTES = 100  # type: ignore[attr-defined]
    path = write(tmp_path, "harbour.txt", WORK_TEXT)
    output, code = run_import(str(path), "--as", "keeper")
    assert code == 1
    assert "over the import limit" in output
    assert not Work.objects.exists()


def test_second_download_of_the_same_work_updates_it() -> None:
    from tests.fixtures_path import fixture

    older = fixture("ao3/download-html/ao3dl_41588007_v1_2of2_genA.html")
    newer = fixture("ao3/download-html/ao3dl_41588007_v2_3of3_genB.html")
    output, code = run_import(str(older))
    assert code == 0 and "IMPORTED" in output
    output, code = run_import(str(newer))
    assert code == 0 and "UPDATED" in output
    work = Work.objects.get()
    assert work.chapters.count() == 3
    assert work.chapter_count_display == "3/3"


def test_error_page_is_refused_with_what_the_file_is() -> None:
    from tests.fixtures_path import fixture

    gate = fixture("ao3/work-page-html/page_20907563_adult-gate_2026.html")
    output, code = run_import(str(gate))
    assert code == 1
    assert "adult" in output.lower()
    assert not Work.objects.exists()


def test_a_downloads_folder_imports_with_its_other_files_skipped_and_exits_0(
    tmp_path: Path,
) -> None:
    write(tmp_path, "harbour.txt", WORK_TEXT)
    write(tmp_path, "SOURCES.txt", "https://archiveofourown.org/works/1\n")
    write(tmp_path, "README", "Downloaded with a script.\n")
    write(tmp_path, "cover.jpg", b"\xff\xd8\xff\xe0" + bytes(200))
    write(tmp_path, ".DS_Store", b"\x00\x00\x00\x01Bud1" + bytes(100))
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".git", "HEAD", "ref: refs/heads/main\n")
    output, code = run_import(str(tmp_path), "--as", "keeper")
    assert code == 0, output
    assert Work.objects.count() == 1
    for name in ["SOURCES.txt", "README", "cover.jpg", ".DS_Store", ".git"]:
        assert f"SKIPPED  {tmp_path / name}:" in output
    assert "HEAD" not in output  # a hidden folder is not searched
    assert "1 imported, 0 updated, 5 skipped, 0 failed" in output


def test_a_file_named_on_its_own_that_is_not_a_work_fails(tmp_path: Path) -> None:
    path = write(tmp_path, "SOURCES.txt", "https://archiveofourown.org/works/1\n")
    output, code = run_import(str(path), "--as", "keeper")
    assert code == 1
    assert f"FAILED   {path}: not a format Ficshelf can import" in output


def test_a_damaged_work_in_a_folder_still_fails_the_import(tmp_path: Path) -> None:
    write(tmp_path, "harbour.txt", WORK_TEXT)
    write(tmp_path, "broken.epub", b"PK\x03\x04 this is not really a zip")
    output, code = run_import(str(tmp_path), "--as", "keeper")
    assert code == 1
    assert "1 imported, 0 updated, 0 skipped, 1 failed" in output


def test_import_into_a_data_folder_never_migrated_migrates_first_and_says_so(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    write(folder, "harbour.txt", WORK_TEXT)
    data_dir = tmp_path / "fresh-data"
    env = {**os.environ, "FICSHELF_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)  # the embedded default: a new SQLite file in the folder
    ficshelf = Path(sys.executable).with_name("ficshelf")
    result = subprocess.run(
        [str(ficshelf), "import", str(folder), "--as", "keeper", "--no-progress"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    database = data_dir / "ficshelf.sqlite3"
    assert f"The database ({database}) is new: running `ficshelf migrate` first" in result.stdout
    assert "1 imported, 0 updated, 0 skipped, 0 failed" in result.stdout
    assert "\n\n" not in result.stdout  # one line per file, no blank ones between
