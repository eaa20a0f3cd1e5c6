"""A Word document (.docx) as a chapter's text: sanitized HTML, by mammoth.

mammoth keeps the structure (paragraphs, emphasis, headings, lists, tables) and drops
Word's styling, which is what a chapter on the archive wants. Embedded images are left out.

A .docx is a zip archive a stranger made, so the work it costs is bounded before and
during conversion: its directory is checked against ``DOCX_LIMITS`` before anything is
unpacked (``core.zip_limits``), and the conversion runs in a child process stopped after
``CONVERSION_SECONDS`` (``core.bounded_work``), well inside the web server's 30-second
limit on a request. Posting (works) and the importers both use this module.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import IO

from ficshelf.core.bounded_work import WorkFailed, WorkTooLong, run_bounded
from ficshelf.core.docx_conversion import docx_body_html
from ficshelf.core.sanitizer import sanitize_html
from ficshelf.core.zip_limits import MEGABYTE, ZipLimits, ZipRefused, check_zip_directory

# Larger than any novel's text; a bigger file is almost surely full of images.
MAX_DOCX_BYTES = 20 * MEGABYTE
# The longest chapter the archive takes (500,000 characters of HTML, some 80,000 words) is
# about 8 MB of Word's XML. Measured here, mammoth reads 0.6 to 1.5 MB of it a second
# (busy or idle machine): a 10 MB part may not finish in time, but then the writer is told
# so, and the web worker was never held. Images count in the total but are not unpacked
# (see docx_conversion).
DOCX_LIMITS = ZipLimits(
    max_entries=1000, max_entry_bytes=10 * MEGABYTE, max_total_bytes=40 * MEGABYTE
)
CONVERSION_SECONDS = 15
CONVERSION_MEMORY_BYTES = 2048 * MEGABYTE

_IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\bsrc=)[^>]*>")


class DocumentRefused(ValueError):
    """The file cannot be used as a chapter's text; the message says why."""


def docx_to_html(source: IO[bytes]) -> str:
    """The document's body as sanitized HTML; ``DocumentRefused`` says why it cannot be."""
    data = source.read(MAX_DOCX_BYTES + 1)
    if len(data) > MAX_DOCX_BYTES:
        raise DocumentRefused(f"the document is larger than {MAX_DOCX_BYTES // MEGABYTE} MB")
    if data[:4] != b"PK\x03\x04":
        raise DocumentRefused("the file is not a Word document (.docx)")
    _check_archive(data)
    try:
        html = run_bounded(
            docx_body_html,
            data,
            seconds=CONVERSION_SECONDS,
            memory_bytes=CONVERSION_MEMORY_BYTES,
        )
    except WorkTooLong:
        raise DocumentRefused(
            f"the document took longer than {CONVERSION_SECONDS} seconds to read; save it "
            "again from your word processor, or post it in smaller chapters"
        ) from None
    except WorkFailed as error:  # mammoth raises many kinds on a damaged file
        raise DocumentRefused("the Word document is damaged and cannot be read") from error
    html = _IMAGE_WITHOUT_SOURCE.sub("", sanitize_html(html))
    if not html:
        raise DocumentRefused("the Word document has no text")
    return html


def _check_archive(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise DocumentRefused("the Word document is damaged and cannot be read") from None
    with archive:
        if "word/document.xml" not in archive.namelist():
            raise DocumentRefused("the file is not a Word document (.docx)")
        try:
            check_zip_directory(archive, DOCX_LIMITS, what="this Word document")
        except ZipRefused as refused:
            raise DocumentRefused(str(refused)) from None
