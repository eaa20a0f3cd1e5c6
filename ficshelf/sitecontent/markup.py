"""Text editors write, as the reader gets it: Markdown or HTML, always through the
project's sanitizer; the FAQ's sections and questions read from its headings; and the
differences between two revisions.

Markdown is CommonMark by markdown-it-py (decision 0019). Raw HTML inside Markdown is let
through to the sanitizer, which alone decides what stays, as for HTML written directly.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import lxml.etree
import lxml.html
from django.utils.text import slugify
from markdown_it import MarkdownIt

from ficshelf.core.sanitizer import Profile, sanitize_html
from ficshelf.sitecontent.models import TextFormat

_MARKDOWN = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
# Characters XML 1.0 cannot carry (an Atom feed would be refused with them).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def rendered_html(source: str, text_format: str, profile: Profile = Profile.WORK_TEXT) -> str:
    """``source`` as cleaned HTML, whichever format it was written in."""
    source = _XML_INVALID.sub("", source)
    html = _MARKDOWN.render(source) if text_format == TextFormat.MARKDOWN else source
    return sanitize_html(html, profile)


def xml_safe(text: str) -> str:
    return _XML_INVALID.sub("", text)


# ---- The FAQ ----------------------------------------------------------------------------


@dataclass
class Question:
    text: str
    anchor: str
    answer_html: str = ""


@dataclass
class Section:
    title: str
    anchor: str
    intro_html: str = ""
    questions: list[Question] = field(default_factory=list)


@dataclass
class Faq:
    intro_html: str
    sections: list[Section]


def faq_structure(html: str) -> Faq:
    """The FAQ read from its cleaned HTML: each level-2 heading starts a section, each
    level-3 heading is a question, and what follows it is the answer.

    Anchors are made here from the headings' words (the sanitizer keeps no ``id``), unique
    on the page, so a link to a question keeps working while its wording stays."""
    container = lxml.html.fragment_fromstring(html or "", create_parent="div")
    used: set[str] = set()
    intro: list[str] = [_escape(container.text or "")]
    sections: list[Section] = []
    question: Question | None = None
    for child in container:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "h2":
            title = _text(child)
            sections.append(Section(title=title, anchor=_anchor(title, used)))
            question = None
            _append_tail(child, sections[-1], None)
            continue
        if tag == "h3":
            if not sections:
                sections.append(Section(title="", anchor=_anchor("questions", used)))
            text = _text(child)
            question = Question(text=text, anchor=_anchor(text, used))
            sections[-1].questions.append(question)
            _append_tail(child, sections[-1], question)
            continue
        piece = lxml.etree.tostring(child, encoding="unicode", method="html", with_tail=True)
        if question is not None:
            question.answer_html += piece
        elif sections:
            sections[-1].intro_html += piece
        else:
            intro.append(piece)
    return Faq(intro_html="".join(intro).strip(), sections=sections)


def _append_tail(
    heading: lxml.html.HtmlElement, section: Section, question: Question | None
) -> None:
    tail = _escape(heading.tail or "").strip()
    if not tail:
        return
    if question is not None:
        question.answer_html += tail
    else:
        section.intro_html += tail


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _anchor(words: str, used: set[str]) -> str:
    base = slugify(words)[:60].strip("-") or "question"
    anchor, n = base, 2
    while anchor in used:
        anchor, n = f"{base}-{n}", n + 1
    used.add(anchor)
    return anchor


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---- Differences between revisions -------------------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed", "gap"
    text: str


def line_diff(old: str, new: str, context: int = 3) -> list[DiffLine]:
    """The lines of ``new`` against ``old``, as written (not as rendered): what an editor
    changed, with ``context`` unchanged lines around each change."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    lines: list[DiffLine] = []
    for group in matcher.get_grouped_opcodes(context):
        if lines:
            lines.append(DiffLine("gap", "…"))
        for op, a1, a2, b1, b2 in group:
            if op == "equal":
                lines.extend(DiffLine("same", line) for line in old_lines[a1:a2])
                continue
            lines.extend(DiffLine("removed", line) for line in old_lines[a1:a2])
            lines.extend(DiffLine("added", line) for line in new_lines[b1:b2])
    return lines
