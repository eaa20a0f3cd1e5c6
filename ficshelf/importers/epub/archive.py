"""The untrusted archive: zip members read within size limits, XML read without entities."""

from __future__ import annotations

import pathlib
import re
import zipfile
import zlib

import lxml.etree

from ficshelf.core.zip_limits import MEGABYTE, ZipLimits, ZipRefused, check_zip_directory
from ficshelf.importers.base import ImportFailed

# Real fanfic EPUBs are a few MB at most (images included); an archive that would unpack to
# more, or holds a part packed like a bomb, is refused before anything is decompressed.
MAX_UNCOMPRESSED_BYTES = 200 * MEGABYTE
MAX_MEMBER_COUNT = 10_000
EPUB_LIMITS = ZipLimits(
    max_entries=MAX_MEMBER_COUNT,
    # A whole long work in one XHTML file is some 20 MB; a large image less.
    max_entry_bytes=100 * MEGABYTE,
    max_total_bytes=MAX_UNCOMPRESSED_BYTES,
)

# Every way zipfile and zlib report a damaged or unsupported member.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


def open_zip(path: pathlib.Path) -> zipfile.ZipFile:
    try:
        if not zipfile.is_zipfile(path):
            raise ImportFailed("this is not an EPUB: EPUB files are zip archives and this is not")
        return zipfile.ZipFile(path)
    except (OSError, *_ZIP_ERRORS) as error:
        raise ImportFailed(f"this EPUB's zip archive is damaged ({error})") from None


class Archive:
    """Reads members by name, refusing unsafe names and more data than an EPUB can hold."""

    def __init__(self, zip_file: zipfile.ZipFile) -> None:
        _check_members(zip_file)
        members = zip_file.infolist()
        self._zip = zip_file
        self._names = {member.filename for member in members}
        # Some tools write "META-INF/Container.xml" or link "Chapter1.xhtml" as "chapter1.xhtml".
        self._by_lower_name = {member.filename.lower(): member.filename for member in members}
        self._bytes_left = MAX_UNCOMPRESSED_BYTES

    def has(self, name: str) -> bool:
        return name in self._names or name.lower() in self._by_lower_name

    def read(self, name: str) -> bytes:
        if not self.has(name):
            raise ImportFailed(f"this EPUB is incomplete: {name} is missing")
        stored_name = name if name in self._names else self._by_lower_name[name.lower()]
        try:
            with self._zip.open(stored_name) as member:
                # Read one byte past the allowance: sizes declared in the archive can lie.
                data = member.read(self._bytes_left + 1)
        except _ZIP_ERRORS as error:
            raise ImportFailed(f"this EPUB's zip archive is damaged at {name} ({error})") from None
        self._bytes_left -= len(data)
        if self._bytes_left < 0:
            raise _too_large()
        return data


def _check_members(zip_file: zipfile.ZipFile) -> None:
    try:
        check_zip_directory(zip_file, EPUB_LIMITS, what="this EPUB")
    except ZipRefused as refused:
        raise ImportFailed(str(refused)) from None
    for member in zip_file.infolist():
        if _points_outside(member.filename):
            raise ImportFailed(
                f"this EPUB contains a path that points outside the archive "
                f"({member.filename!r}): refusing it"
            )


def _points_outside(name: str) -> bool:
    name = name.replace("\\", "/")
    return name.startswith("/") or bool(re.match(r"^[A-Za-z]:", name)) or ".." in name.split("/")


def _too_large() -> ImportFailed:
    limit_mb = MAX_UNCOMPRESSED_BYTES // (1024 * 1024)
    return ImportFailed(
        f"this EPUB would unpack to more than {limit_mb} MB, far more than an e-book needs: "
        "refusing it as a possible zip bomb"
    )


def parse_xml(data: bytes, name: str) -> lxml.etree._Element:
    # No entities, DTDs or network: package files come from strangers (XXE, billion laughs).
    parser = lxml.etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, recover=True
    )
    try:
        root = lxml.etree.fromstring(data, parser)
    except lxml.etree.XMLSyntaxError as error:
        raise ImportFailed(f"{name} in this EPUB is not readable XML ({error})") from None
    if root is None:
        raise ImportFailed(f"{name} in this EPUB is empty or not XML")
    return root


def xpath_texts(element: lxml.etree._Element, path: str, **variables: str) -> list[str]:
    """An XPath query's string results (typed: lxml's xpath() may return anything)."""
    result = lxml.etree.XPath(path)(element, **variables)
    return [str(item) for item in result] if isinstance(result, list) else []
