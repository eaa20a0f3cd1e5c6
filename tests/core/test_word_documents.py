"""A .docx from a stranger: its archive is checked before anything is unpacked, and its
conversion runs in a child process with a time limit."""

from __future__ import annotations

import io
import os
import struct
import zipfile

import pytest

from ficshelf.core import word_documents
from ficshelf.core.word_documents import DocumentRefused, docx_to_html
from ficshelf.core.zip_limits import ZipLimits
from tests.works.factories_posting import docx_bytes

PARAGRAPH = b'<w:p><w:r><w:t xml:space="preserve">All work and no play.</w:t></w:r></w:p>'


def rezipped(
    replace: dict[str, bytes] | None = None, extra: dict[str, bytes] | None = None
) -> bytes:
    """A small valid .docx with parts replaced or added, deflated as Word does."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes("Title", "Text."))) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts.update(replace or {})
    parts.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def document_of(paragraph_count: int) -> bytes:
    ns = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="'
        + ns
        + b'"><w:body>'
        + PARAGRAPH * paragraph_count
        + b"</w:body></w:document>"
    )


def varied_document(paragraph_count: int) -> bytes:
    """Paragraphs that differ, so they pack about as tightly as real writing."""
    paragraphs = (
        f'<w:p><w:r><w:t xml:space="preserve">Line {os.urandom(12).hex()}.</w:t></w:r></w:p>'
        for _ in range(paragraph_count)
    )
    return document_of(0).replace(b"<w:body>", b"<w:body>" + "".join(paragraphs).encode())


def forbid_unpacking(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, fail the test if any part is decompressed or the conversion starts."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("unpacked before the archive was checked")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)
    monkeypatch.setattr(word_documents, "run_bounded", refuse)


def test_a_small_file_that_unpacks_to_30_mb_is_refused_before_unpacking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bomb = rezipped(replace={"word/document.xml": document_of(400_000)})  # 30 MB of XML
    assert len(bomb) < 200 * 1024  # what the writer would upload
    forbid_unpacking(monkeypatch)
    with pytest.raises(DocumentRefused, match=r"unpacks to 28\.6 MB, over the limit of 10 MB"):
        docx_to_html(io.BytesIO(bomb))


def test_a_part_packed_like_a_bomb_is_refused_even_under_the_size_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bomb = rezipped(replace={"word/document.xml": document_of(100_000)})  # 7.2 MB, 27 KB packed
    forbid_unpacking(monkeypatch)
    with pytest.raises(DocumentRefused, match=r"packed [\d,]+ to 1.*possible zip bomb"):
        docx_to_html(io.BytesIO(bomb))


def test_a_document_of_too_many_parts_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    many = rezipped(extra={f"word/media/empty{n}.xml": b"" for n in range(1000)})
    forbid_unpacking(monkeypatch)
    with pytest.raises(DocumentRefused, match=r"holds 1,003 files.*at most 1,000"):
        docx_to_html(io.BytesIO(many))


def test_parts_that_together_unpack_to_too_much_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Smaller limits than the real ones, to keep the test's files small.
    monkeypatch.setattr(
        word_documents,
        "DOCX_LIMITS",
        ZipLimits(max_entries=10, max_entry_bytes=60_000, max_total_bytes=100_000),
    )
    photos = {f"word/media/photo{n}.jpeg": os.urandom(50_000) for n in range(2)}
    document = rezipped(extra=photos)
    forbid_unpacking(monkeypatch)
    with pytest.raises(
        DocumentRefused, match=r"would unpack to 0\.1 MB, over the limit of 0\.1 MB"
    ):
        docx_to_html(io.BytesIO(document))


def test_a_directory_that_lies_about_sizes_gets_no_more_than_it_says() -> None:
    honest = rezipped(replace={"word/document.xml": varied_document(60_000)})  # 4.9 MB
    with zipfile.ZipFile(io.BytesIO(honest)) as archive:
        real_size = archive.getinfo("word/document.xml").file_size
    # Claim 2 KB for document.xml in its local header and in the central directory.
    lying = honest.replace(
        struct.pack("<I", real_size) + struct.pack("<H", len("word/document.xml")),
        struct.pack("<I", 2048) + struct.pack("<H", len("word/document.xml")),
    )
    central = lying.rfind(b"PK\x01\x02", 0, lying.rfind(b"word/document.xml"))
    lying = lying[: central + 24] + struct.pack("<I", 2048) + lying[central + 28 :]
    with zipfile.ZipFile(io.BytesIO(lying)) as archive:
        assert archive.getinfo("word/document.xml").file_size == 2048
    with pytest.raises(DocumentRefused, match="damaged"):
        docx_to_html(io.BytesIO(lying))


def test_a_conversion_past_its_time_is_stopped_with_a_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(word_documents, "CONVERSION_SECONDS", 0.001)
    with pytest.raises(DocumentRefused, match=r"took longer than 0\.001 seconds"):
        docx_to_html(io.BytesIO(docx_bytes("Title", "Text.")))


def test_a_large_honest_document_converts() -> None:
    document = rezipped(replace={"word/document.xml": varied_document(20_000)})  # 1.6 MB
    assert docx_to_html(io.BytesIO(document)).count("<p>Line ") == 20_000
