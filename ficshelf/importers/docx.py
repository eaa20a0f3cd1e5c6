"""A Word document (.docx) as a chapter's text: sanitized HTML, by mammoth.

mammoth keeps the structure (paragraphs, emphasis, headings, lists, tables) and drops
Word's styling, which is what a chapter on the archive wants. Embedded images would
become data: URIs, which the sanitizer refuses, so they are left out at once.
"""

from __future__ import annotations

import re
import zipfile
from typing import IO

import mammoth  # type: ignore[import-untyped]

from ficshelf.core.sanitizer import sanitize_html
from ficshelf.importers.base import ImportFailed

# Larger than any novel's text; a bigger file is almost surely full of images.
MAX_DOCX_BYTES = 20 * 1024 * 1024
_IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\bsrc=)[^>]*>")


def _no_images(image: object) -> dict[str, str]:
    return {}


def docx_to_html(source: IO[bytes]) -> str:
    """The document's body as sanitized HTML; ``ImportFailed`` when it is not a .docx."""
    head = source.read(4)
    source.seek(0)
    if head != b"PK\x03\x04":
        raise ImportFailed("the file is not a Word document (.docx)")
    try:
        with zipfile.ZipFile(source) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ImportFailed("the file is not a Word document (.docx)")
        source.seek(0)
        result = mammoth.convert_to_html(
            source, convert_image=mammoth.images.img_element(_no_images)
        )
    except ImportFailed:
        raise
    except Exception as error:  # mammoth raises many kinds on a damaged file
        raise ImportFailed("the Word document is damaged and cannot be read") from error
    html = _IMAGE_WITHOUT_SOURCE.sub("", sanitize_html(result.value))
    if not html:
        raise ImportFailed("the Word document has no text")
    return html
