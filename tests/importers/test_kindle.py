"""The Kindle importer: recognising AZW3/MOBI and converting them with calibre.

Tests of the conversion's edges run a stand-in ``ebook-convert`` script (the process edge);
the fixture tests run the real one and skip when calibre is not installed.
"""

from __future__ import annotations

import functools
import os
import shutil
import stat
import sys
import zipfile
from pathlib import Path

import pytest

from ficshelf.importers import kindle
from ficshelf.importers.base import ImportedWork, ImportFailed, ToolMissing
from tests.fixtures_path import fixture

NOT_INSTALLED = "calibre's ebook-convert is not installed"


def require_ebook_convert() -> None:
    if shutil.which("ebook-convert"):
        return
    if os.environ.get("FICSHELF_REQUIRE_FIXTURES") == "1":
        pytest.fail(NOT_INSTALLED)
    pytest.skip(NOT_INSTALLED)


def palm_database(mobi_version: int) -> bytes:
    """The start of a MOBI/AZW3 file: Palm header, one record, PalmDOC and MOBI headers."""
    header = bytearray(78)
    header[0:8] = b"invented"
    header[60:68] = b"BOOKMOBI"
    record_list = (86).to_bytes(4, "big") + bytes(4)
    palmdoc = bytes(16)
    mobi = b"MOBI" + (232).to_bytes(4, "big") + bytes(12) + mobi_version.to_bytes(4, "big")
    return bytes(header) + record_list + palmdoc + mobi + bytes(200)


@pytest.fixture
def kindle_file(tmp_path: Path) -> Path:
    path = tmp_path / "book.mobi"
    path.write_bytes(palm_database(6))
    return path


def stand_in_converter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> Path:
    """Put a Python script where shutil.which("ebook-convert") will find it."""
    path = tmp_path / "ebook-convert"
    path.write_text(f"#!{sys.executable}\nimport sys, time, shutil\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(
        shutil, "which", lambda name: str(path) if name == "ebook-convert" else None
    )
    return path


def small_epub(path: Path) -> Path:
    container = (
        '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
        '<rootfile full-path="content.opf" media-type="application/oebps-package+xml"/>'
        "</rootfiles></container>"
    )
    opf = (
        '<package xmlns="http://www.idpf.org/2007/opf" version="2.0">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Harbour Lights'
        "</dc:title></metadata>"
        '<manifest><item id="c" href="c.xhtml" media-type="application/xhtml+xml"/></manifest>'
        '<spine><itemref idref="c"/></spine></package>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/container.xml", container)
        archive.writestr("content.opf", opf)
        archive.writestr("c.xhtml", "<html><body><p>The lights came on.</p></body></html>")
    return path


# --- recognising Kindle files --------------------------------------------------------------


def test_can_parse_recognises_the_bookmobi_magic(kindle_file: Path) -> None:
    assert kindle.can_parse(kindle_file, kindle_file.read_bytes()[:4096])


def test_can_parse_rejects_other_files(tmp_path: Path) -> None:
    path = tmp_path / "book.mobi"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    assert not kindle.can_parse(path, path.read_bytes())


# --- converting ----------------------------------------------------------------------------


def test_missing_ebook_convert_raises_tool_missing_with_install_advice(
    kindle_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ToolMissing) as raised:
        kindle.parse(kindle_file)
    assert str(raised.value) == (
        "AZW3 and MOBI files need calibre's ebook-convert, which is not installed: "
        "install calibre (apt install calibre) or import the EPUB or HTML download instead"
    )


def test_conversion_failure_reports_ebook_converts_last_error_line(
    kindle_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in_converter(
        tmp_path,
        monkeypatch,
        "print('Traceback (most recent call last):', file=sys.stderr)\n"
        "print('calibre.ebooks.mobi.MobiError: Unknown book type', file=sys.stderr)\n"
        "sys.exit(1)",
    )
    with pytest.raises(
        ImportFailed,
        match=r"could not convert this file: calibre\.ebooks\.mobi\.MobiError: Unknown book type$",
    ):
        kindle.parse(kindle_file)


def test_drm_locked_file_is_refused_with_an_explanation(
    kindle_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in_converter(
        tmp_path, monkeypatch, "print('calibre.ebooks.DRMError: ', file=sys.stderr); sys.exit(1)"
    )
    with pytest.raises(ImportFailed, match="locked with DRM"):
        kindle.parse(kindle_file)


def test_conversion_that_hangs_is_stopped_after_the_timeout(
    kindle_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in_converter(tmp_path, monkeypatch, "time.sleep(60)")
    monkeypatch.setattr(kindle, "CONVERT_TIMEOUT_SECONDS", 0.5)
    with pytest.raises(ImportFailed, match="did not finish"):
        kindle.parse(kindle_file)


def test_converted_epub_is_read_and_labelled_with_the_kindle_format(
    kindle_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    converted = small_epub(tmp_path / "converted.epub")
    stand_in_converter(tmp_path, monkeypatch, f"shutil.copyfile({str(converted)!r}, sys.argv[2])")
    work = kindle.parse(kindle_file)
    assert (work.title, work.source_format) == ("Harbour Lights", "mobi")


def test_kf8_header_marks_a_file_without_extension_as_azw3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "download"
    path.write_bytes(palm_database(8))
    converted = small_epub(tmp_path / "converted.epub")
    # calibre chooses its reader by extension, so the stand-in checks the name it is given.
    stand_in_converter(
        tmp_path,
        monkeypatch,
        f"assert sys.argv[1].endswith('.azw3'), sys.argv[1]\n"
        f"shutil.copyfile({str(converted)!r}, sys.argv[2])",
    )
    assert kindle.parse(path).source_format == "azw3"


# --- the shared fixtures, through the real ebook-convert ----------------------------------

KINDLE_FIXTURES = {
    "ao3_218676_3ch_wip_2026-07.azw3": ("Fire and Feather", 3),
    "ao3_218676_3ch_wip_2026-07.mobi": ("Fire and Feather", 3),
    "ao3_23009290_1ch_2026-07.azw3": ("My Aim Is Steady And True", 1),
    "ao3_23009290_1ch_2026-07.mobi": ("My Aim Is Steady And True", 1),
    "ao3_334557_8ch_series_2026-07.azw3": ("The World on His Wrist", 8),
    "ao3_334557_8ch_series_2026-07.mobi": ("The World on His Wrist", 8),
}


@functools.cache
def convert_fixture(name: str) -> ImportedWork:
    """Each fixture is converted once: a real conversion takes about a second."""
    path = fixture(f"ao3/mobi-azw3-pdf/{name}")
    require_ebook_convert()
    return kindle.parse(path)


@pytest.mark.parametrize("name", KINDLE_FIXTURES)
def test_kindle_fixture_title_and_chapter_count(name: str) -> None:
    work = convert_fixture(name)
    assert (work.title, len(work.chapters)) == KINDLE_FIXTURES[name]


@pytest.mark.parametrize("name", KINDLE_FIXTURES)
def test_kindle_fixture_source_format_is_its_extension(name: str) -> None:
    assert convert_fixture(name).source_format == name.rsplit(".", 1)[1]


@pytest.mark.parametrize(
    "name", ["ao3_334557_8ch_series_2026-07.azw3", "ao3_334557_8ch_series_2026-07.mobi"]
)
def test_kindle_fixture_keeps_ao3_tags_and_untitled_chapters(name: str) -> None:
    work = convert_fixture(name)
    assert (work.rating, work.series[0].position, work.chapters[1].title) == (
        "Teen And Up Audiences",
        1,
        "",
    )


def test_real_ebook_convert_failure_is_reported(kindle_file: Path) -> None:
    require_ebook_convert()
    with pytest.raises(ImportFailed, match="ebook-convert could not convert this file"):
        kindle.parse(kindle_file)
