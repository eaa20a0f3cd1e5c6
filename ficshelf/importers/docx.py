"""A Word document (.docx) as a chapter's text, for importers: ``core.word_documents``
with its refusals as ``ImportFailed``."""

from __future__ import annotations

from typing import IO

from ficshelf.core.word_documents import MAX_DOCX_BYTES as MAX_DOCX_BYTES
from ficshelf.core.word_documents import DocumentRefused
from ficshelf.core.word_documents import docx_to_html as convert
from ficshelf.importers.base import ImportFailed


def docx_to_html(source: IO[bytes]) -> str:
    try:
        return convert(source)
    except DocumentRefused as refused:
        raise ImportFailed(str(refused)) from None
