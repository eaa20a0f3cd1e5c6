"""Helpers for posting tests: a valid work form, a writer with a work, a tiny .docx."""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.sax.saxutils import escape

from ficshelf.accounts.models import Pseud, User
from ficshelf.works.actions import ChapterData, WorkData, create_work
from ficshelf.works.models import Language, Work
from tests.factories import PseudFactory, UserFactory


def writer(username: str = "writer") -> User:
    user = UserFactory(username=username)
    if not user.pseuds.exists():
        PseudFactory(user=user, name=username)
    return user


def pseud_of(user: User) -> Pseud:
    return user.pseuds.get(is_default=True)


def work_form_data(**overrides: Any) -> dict[str, Any]:
    """What a browser sends for a minimal valid new-work form."""
    data: dict[str, Any] = {
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "fandoms": "Original Work",
        "relationships": "",
        "characters": "",
        "freeforms": "",
        "title": "A Posted Work",
        "summary": "",
        "notes": "",
        "end_notes": "",
        "language": Language.objects.get(short="en").pk,
        "series_position": "",
        "new_series_title": "",
        "co_creators": "",
        "gift_recipients": "",
        "comment_permission": "everyone",
        "expected_chapter_count": "",
        "published_on": "",
        "chapter_title": "",
        "chapter_summary": "",
        "chapter_notes": "",
        "chapter_end_notes": "",
        "text_format": "html",
        "text": "<p>One two three four.</p>",
        "action": "post",
    }
    data.update(overrides)
    return data


def work_data(**overrides: Any) -> WorkData:
    chapter = overrides.pop("chapter", ChapterData(text="<p>One two three four.</p>"))
    values: dict[str, Any] = {
        "title": "A Posted Work",
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "fandoms": ["Original Work"],
        "language": Language.objects.get(short="en"),
        "chapter": chapter,
    }
    values.update(overrides)
    return WorkData(**values)


def posted_work(user: User, *, post: bool = True, **overrides: Any) -> Work:
    return create_work(work_data(**overrides), actor=user, post=post)


def docx_bytes(*paragraphs: str) -> bytes:
    """A minimal Word document with these paragraphs (the first one bold)."""
    body = "".join(
        '<w:p><w:r>{}<w:t xml:space="preserve">{}</w:t></w:r></w:p>'.format(
            "<w:rPr><w:b/></w:rPr>" if i == 0 else "", escape(text)
        )
        for i, text in enumerate(paragraphs)
    )
    ns = "http://schemas.openxmlformats.org"
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{ns}/wordprocessingml/2006/main"><w:body>{body}</w:body>'
        "</w:document>"
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Types xmlns="{ns}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<Relationships xmlns="{ns}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def docx_bomb(unpacked_megabytes: int = 30) -> bytes:
    """A .docx of a few dozen KB whose document.xml unpacks to ``unpacked_megabytes``."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes("Title"))) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    paragraph = b'<w:p><w:r><w:t xml:space="preserve">All work and no play.</w:t></w:r></w:p>'
    repeats = unpacked_megabytes * 1024 * 1024 // len(paragraph)
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"<w:body>", b"<w:body>" + paragraph * repeats
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()
