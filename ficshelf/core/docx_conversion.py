"""What the child process runs for a .docx: mammoth's conversion, and nothing of Django.

``core.word_documents`` checks the archive and starts this in a child process with a time
and memory limit (``core.bounded_work``); this module is all that child imports.
"""

from __future__ import annotations

import io

import mammoth  # type: ignore[import-untyped]


def _no_images(image: object) -> dict[str, str]:
    # Embedded images would become data: URIs, which the sanitizer refuses: they are left
    # out here, never even unpacked.
    return {}


def docx_body_html(data: bytes) -> str:
    """The document's body as mammoth's (unsanitized) HTML."""
    result = mammoth.convert_to_html(
        io.BytesIO(data), convert_image=mammoth.images.img_element(_no_images)
    )
    html: str = result.value
    return html
