"""Plain text, laid out like AO3's text download: labels on their own lines, paragraphs
separated by blank lines, scene breaks kept as the characters the writer used."""

from __future__ import annotations

import lxml.html
from lxml.html import HtmlElement

from ficshelf.downloads.document import RelatedWork, WorkDocument
from ficshelf.downloads.xhtml import clean_text

_BLOCKS = {
    "address", "blockquote", "center", "details", "div", "dl", "dd", "dt", "figure",
    "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ol", "p", "pre", "summary",
    "table", "tbody", "thead", "tfoot", "tr", "ul",
}  # fmt: skip


def export_txt(doc: WorkDocument) -> bytes:
    return ("\n".join(_lines(doc)).rstrip() + "\n").encode()


def _lines(doc: WorkDocument) -> list[str]:
    lines = [
        doc.title,
        f"Posted originally on the {doc.site_name} archive at {doc.work_url}.",
        "",
    ]
    for group in doc.tag_groups:
        lines.append(f"{group.label}: {', '.join(group.names)}")
    lines.append(f"Language: {doc.language_name}")
    if doc.series:
        parts = ", ".join(f"Part {part.position} of {part.title}" for part in doc.series)
        lines.append(f"Series: {parts}")
    if doc.collections:
        lines.append(f"Collections: {', '.join(doc.collections)}")
    lines.append("Stats: " + " ".join(f"{label}: {value}" for label, value in doc.stats))
    lines += ["", "", doc.title, f"by {doc.byline}", ""]
    if doc.source:
        lines += [_related_line(f"{doc.source_verb} ", doc.source), ""]
    lines += _section("Summary", doc.summary_html)
    lines += _section("Notes", doc.notes_html)
    if doc.end_notes_html:
        lines += ["(See the end of the work for more notes.)", ""]
    for chapter in doc.chapters:
        lines.append("")
        if doc.has_chapter_headings:
            lines += [chapter.heading, ""]
            if chapter.creators:
                lines += ["by " + ", ".join(chapter.creators), ""]
            lines += _section("Chapter Summary", chapter.summary_html)
            lines += _section("Chapter Notes", chapter.notes_html)
        lines += [*_paragraphs_with_blank_lines(chapter.text_html), ""]
        lines += _section("Chapter End Notes", chapter.end_notes_html)
    lines.append("")
    lines += _section("End Notes", doc.end_notes_html)
    if doc.inspired:
        lines += ["Works inspired by this one:", ""]
        lines += [_related_line("", child) for child in doc.inspired]
        lines.append("")
    if doc.translations:
        lines += ["Translations:", ""]
        lines += [
            _related_line(f"[{child.language}] " if child.language else "", child)
            for child in doc.translations
        ]
        lines.append("")
    return lines


def _related_line(prefix: str, related: RelatedWork) -> str:
    by = f" by {related.creator}" if related.creator else ""
    where = f" ({related.url})" if related.url else ""
    return f"{prefix}{related.title}{by}{where}"


def _section(label: str, html: str) -> list[str]:
    if not html:
        return []
    return [label, "", *_paragraphs_with_blank_lines(html), ""]


def _paragraphs_with_blank_lines(html: str) -> list[str]:
    lines: list[str] = []
    for paragraph in html_paragraphs(html):
        if lines:
            lines.append("")
        lines.append(paragraph)
    return lines


def html_paragraphs(html: str) -> list[str]:
    """The text of each block of ``html``; a ``br`` becomes a line break inside its block."""
    html = clean_text(html or "").strip()
    if not html:
        return []
    container = lxml.html.fragment_fromstring(html, create_parent="div")
    return _blocks(container)


def _blocks(element: HtmlElement) -> list[str]:
    blocks: list[str] = []
    inline: list[str] = []

    def flush() -> None:
        text = _tidy("".join(inline))
        if text:
            blocks.append(text)
        inline.clear()

    inline.append(element.text or "")
    for child in element:
        if not isinstance(child.tag, str):
            pass
        elif child.tag in _BLOCKS:
            flush()
            prefix = "- " if child.tag == "li" else ""
            blocks.extend(prefix + block for block in _blocks(child))
        elif child.tag == "hr":
            flush()
            blocks.append("* * *")
        else:
            inline.append(_inline_text(child))
        inline.append(child.tail or "")
    flush()
    return blocks


def _inline_text(element: HtmlElement) -> str:
    if element.tag == "br":
        return "\n"
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
