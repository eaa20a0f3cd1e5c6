from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from ficshelf.works.models import Collection, Series, SeriesWork, Work
from tests.factories import ChapterFactory, PseudFactory, TagFactory, WorkFactory
from tests.fixtures_path import fixture

SEED = "seed/000_54b7f5ba612c50cc.txt"
EPUBCHECK = "/usr/bin/epubcheck"
EXTENSIONS = ["html", "epub", "txt"]

# What AO3's allowlist (and so our sanitizer) lets writers keep but EPUB 3 refuses: HTML 4
# elements and attributes, a remote image, links into the archive's own pages.
LEGACY_MARKUP = (
    "<center>Centred</center>"
    '<p align="right"><font color="red" face="Arial" size="4">red</font> <big>big</big> '
    '<strike>gone</strike> <tt>typed</tt> <acronym title="Archive">AO3</acronym></p>'
    '<p><img src="https://example.org/map.png" alt="A map" border="0"> '
    '<a href="/works/1" rel="nofollow">a work</a> <a name="here">anchor</a> '
    '<a href="https://example.org/" rel="nofollow">a site</a></p>'
    '<table border="2" summary="s" width="50%"><tr><td width="3" abbr="a" axis="b">cell</td>'
    "</tr></table>"
    '<ul type="disc"><li>one</li></ul><ol type="x" start="two"><li>first</li></ol>'
    '<p dir="sideways" lang="fr">en français</p><p>form\x0cfeed</p>'
)


@pytest.fixture(autouse=True)
def _downloads_app(settings: Any, tmp_path: Path) -> None:
    """Install the app, mount its URLs and give it a data folder of its own."""
    if "ficshelf.downloads" not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "ficshelf.downloads"]
    settings.ROOT_URLCONF = "tests.downloads.urls"
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture(scope="module")
def seed_downloads(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, bytes]:
    """The seed downloaded once in every format, for the tests that only read the files.

    Importing the seed takes seconds; this imports it once per module inside a transaction
    that is rolled back, so the database stays as every other test expects it.
    """
    apps = list(settings.INSTALLED_APPS)
    overrides = override_settings(
        INSTALLED_APPS=apps if "ficshelf.downloads" in apps else [*apps, "ficshelf.downloads"],
        ROOT_URLCONF="tests.downloads.urls",
        DATA_DIR=tmp_path_factory.mktemp("seed-data"),
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    )
    with django_db_blocker.unblock(), overrides, transaction.atomic():
        call_command("import", str(fixture(SEED)), "--as", "seedwriter", "--rating", "Explicit",
                     "--no-progress", stdout=io.StringIO())  # fmt: skip
        work = Work.objects.get()
        files = {extension: download(Client(), work, extension) for extension in EXTENSIONS}
        transaction.set_rollback(True)
    return files


@pytest.fixture
def multi_chapter_work(db: None) -> Work:
    """Three chapters with headings, notes and end notes, a series and typed tags."""
    work = WorkFactory(
        title="Tides of Salt",
        summary="<p>A keeper counts ships.</p>",
        notes="<p>Written for a <em>prompt</em>.</p>",
        end_notes="<p>Thanks for reading!</p>",
        expected_chapter_count=4,
        is_complete=False,
        word_count=1234,
        creator=PseudFactory(name="Wren Marlow", user__username="wren"),
    )
    work.chapters.all().delete()  # the factory's default chapter
    series = Series.objects.create(title="Coastal Lights")
    SeriesWork.objects.create(series=series, work=work, position=2)
    Collection.objects.create(name="seaweek", title="Sea Week 2025").works.add(work)
    for name, tag_type in [
        ("Tidewatch (Invented Novels)", "fandom"),
        ("Ada Fenn/Ilse Varro", "relationship"),
        ("Ada Fenn", "character"),
        ("Lighthouses", "freeform"),
    ]:
        work.tags.add(TagFactory(name=name, type=tag_type))
    ChapterFactory(work=work, position=1, title="Low Tide",
                   summary="<p>The ledger is opened.</p>", notes="<p>Short one.</p>",
                   text="<p>The first entry.</p><p class=\"scene-break\">* * *</p>"
                        "<p>The second entry.</p>")  # fmt: skip
    ChapterFactory(work=work, position=2, title="", end_notes="<p>More soon.</p>",
                   text="<p>The blank page.</p>")  # fmt: skip
    ChapterFactory(
        work=work, position=3, title="High Water", text="<p>The flood.</p>" + LEGACY_MARKUP
    )
    ChapterFactory(work=work, position=4, title="Unposted", is_posted=False,
                   text="<p>Not yet.</p>")  # fmt: skip
    return work


def download(client: Client, work: Work, extension: str) -> bytes:
    response = client.get(f"/downloads/{work.pk}/x.{extension}")
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def epub_member(epub: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(epub)) as archive:
        return archive.read(name).decode()


def epub_text(epub: bytes) -> str:
    """Every XHTML page of the book, in archive order."""
    with zipfile.ZipFile(io.BytesIO(epub)) as archive:
        return "\n".join(
            archive.read(name).decode() for name in archive.namelist() if name.endswith(".xhtml")
        )


def epubcheck_command() -> list[str]:
    """How to run epubcheck here: Debian installs it as a bare jar in /usr/bin, which runs
    only where binfmt_misc knows jars, so a jar is started with ``java -jar``."""
    program = shutil.which("epubcheck") or (EPUBCHECK if os.path.exists(EPUBCHECK) else "")
    java = shutil.which("java")
    if program and _is_jar(Path(program)):
        return [java, "-jar", program] if java else []
    return [program] if program else []


def _is_jar(path: Path) -> bool:
    with path.resolve().open("rb") as handle:
        return handle.read(2) == b"PK"


def run_epubcheck(path: Path) -> subprocess.CompletedProcess[str]:
    command = epubcheck_command()
    if not command:
        if os.environ.get("FICSHELF_REQUIRE_FIXTURES") == "1":
            pytest.fail("epubcheck is not installed")
        pytest.skip("epubcheck is not installed")
    return subprocess.run(
        [*command, "--failonwarnings", str(path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
