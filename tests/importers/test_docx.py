"""Word documents as chapter text."""

from __future__ import annotations

import io
import zipfile

import pytest

from ficshelf.importers.base import ImportFailed
from ficshelf.importers.docx import docx_to_html
from tests.works.factories_posting import docx_bytes


def test_docx_paragraphs_and_bold_become_html() -> None:
    html = docx_to_html(io.BytesIO(docx_bytes("Title-ish", "A paragraph.")))
    assert html == "<p><strong>Title-ish</strong></p><p>A paragraph.</p>"


def test_markup_typed_in_the_document_stays_text() -> None:
    html = docx_to_html(io.BytesIO(docx_bytes("x", "<script>alert(1)</script>")))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_file_that_is_not_a_zip_is_refused() -> None:
    with pytest.raises(ImportFailed, match="not a Word document"):
        docx_to_html(io.BytesIO(b"%PDF-1.7 hello"))


def test_a_zip_without_a_word_document_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ImportFailed, match="not a Word document"):
        docx_to_html(io.BytesIO(buffer.getvalue()))


def test_a_truncated_document_is_refused_as_damaged() -> None:
    with pytest.raises(ImportFailed, match="damaged"):
        docx_to_html(io.BytesIO(docx_bytes("whole", "document")[:200]))


def test_an_empty_document_is_refused() -> None:
    with pytest.raises(ImportFailed, match="no text"):
        docx_to_html(io.BytesIO(docx_bytes()))
