from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from ficshelf.downloads.document import build_work_document
from ficshelf.downloads.exporters.pdf import pdf_html
from ficshelf.works.models import Collection, Series, SeriesWork, Work
from tests.factories import ChapterFactory, PseudFactory, TagFactory, WorkFactory
from tests.fixtures_path import fixture

SEED = "seed/000_54b7f5ba612c50cc.txt"
EPUBCHECK = "/usr/bin/epubcheck"
EXTENSIONS = ["html", "epub", "txt"]
KINDLE = ["azw3", "mobi"]

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


@contextlib.contextmanager
def imported_seed(
    django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Work]:
    """The seed imported inside a transaction that is rolled back afterwards.

    Importing the seed takes seconds, so the module-scoped fixtures below do it once per
    module; the rollback leaves the database as every other test expects it.
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
        yield Work.objects.get()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def seed_downloads(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, bytes]:
    """The seed downloaded once in every format made in the request."""
    with imported_seed(django_db_blocker, tmp_path_factory) as work:
        return {extension: download(Client(), work, extension) for extension in EXTENSIONS}


@pytest.fixture(scope="module")
def seed_pdfs(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, bytes]:
    """The seed as an A5 PDF, a Letter PDF, and the HTML that WeasyPrint laid out."""
    with imported_seed(django_db_blocker, tmp_path_factory) as work:
        client = Client()
        doc = build_work_document(
            work,
            list(work.chapters.all()),
            work_url=f"http://testserver/works/{work.pk}/",
            site_url="http://testserver/",
            site_name=settings.SITE_NAME,
        )
        return {
            "a5": download_prepared(client, work, "pdf"),
            "letter": download_prepared(client, work, "pdf", "?paper=letter"),
            "html": pdf_html(doc).encode(),
        }


@pytest.fixture(scope="module")
def seed_kindle_files(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, bytes]:
    """The seed as AZW3 and MOBI, made by calibre (skipped where it is not installed)."""
    require_calibre()
    with imported_seed(django_db_blocker, tmp_path_factory) as work:
        client = Client()
        return {extension: download_prepared(client, work, extension) for extension in KINDLE}


def require_calibre() -> None:
    if shutil.which("ebook-convert"):
        return
    if os.environ.get("FICSHELF_REQUIRE_FIXTURES") == "1":
        pytest.fail("calibre's ebook-convert is not installed")
    pytest.skip("calibre's ebook-convert is not installed")


def download_prepared(client: Client, work: Work, extension: str, query: str = "") -> bytes:
    """A file the worker makes: the first request queues it (tests run tasks at once)."""
    url = f"/downloads/{work.pk}/x.{extension}{query}"
    first = client.get(url)
    assert first.status_code == 202, first.status_code
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


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


def pdf_text(pdf: bytes) -> str:
    """The PDF's text by poppler's pdftotext, pages separated by form feeds."""
    program = shutil.which("pdftotext")
    if program is None:
        if os.environ.get("FICSHELF_REQUIRE_FIXTURES") == "1":
            pytest.fail("pdftotext (poppler-utils) is not installed")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(
        [program, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, timeout=120,
        check=True,
    )  # fmt: skip
    return result.stdout.decode()


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF with its compressed streams inflated: WeasyPrint packs its objects (page
    dictionaries, fonts) into compressed object streams, where no regex sees them."""
    inflated = [pdf]
    for stream in re.finditer(rb"stream\r?\n", pdf):
        # A decompressor stops at the end of its zlib stream, whatever bytes follow.
        with contextlib.suppress(zlib.error):
            inflated.append(zlib.decompressobj().decompress(pdf[stream.end() :]))
    return b"\n".join(inflated)


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf_objects(pdf)))
