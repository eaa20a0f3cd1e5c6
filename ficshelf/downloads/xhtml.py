"""Stored (sanitized) HTML made fit for an EPUB 3 content document.

EPUB 3 content is XHTML5: it must be well-formed XML and must pass epubcheck's HTML5
schema. The sanitizer's allowlist follows AO3's, which keeps HTML 4 elements and
attributes that HTML5 dropped (``center``, ``font``, ``align``...) and allows images from
the web, which EPUB forbids (no remote resources but audio and video). These are rewritten
here, then lxml serializes the tree as XML.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

# XML 1.0 forbids most control characters; HTML tolerates them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_RENAMED = {"center": "div", "font": "span", "big": "span", "strike": "s", "tt": "code",
            "acronym": "abbr"}  # fmt: skip
_ALIGNMENTS = {"left", "right", "center", "justify"}
_OBSOLETE_ATTRIBUTES = {
    "table": {"summary", "width"},
    "td": {"abbr", "axis", "width"},
    "th": {"axis", "width"},
    "col": {"width"},
    "colgroup": {"width"},
    "ul": {"type"},
    "a": {"name"},
}
_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,6}|[a-zA-Z]{3,20})$")
_WEB_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


def clean_text(text: str) -> str:
    return _XML_INVALID.sub("", text)


def to_xhtml(html: str) -> str:
    """The HTML as well-formed, HTML5-valid XHTML content (no wrapping element)."""
    html = clean_text(html or "").strip()
    if not html:
        return ""
    container = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in list(container.iter()):
        if not isinstance(element.tag, str):  # comments, processing instructions
            element.drop_tree()
        elif element is not container:
            _modernise(element)
    parts = [_escape(container.text or "")]
    parts.extend(
        lxml.etree.tostring(child, method="xml", encoding="unicode", with_tail=True)
        for child in container
    )
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _modernise(element: HtmlElement) -> None:
    tag = element.tag
    styles = []
    if tag == "center":
        styles.append("text-align: center")
    if tag == "font":
        color = (element.get("color") or "").strip()
        if _COLOR.match(color):
            styles.append(f"color: {color}")
        for name in ("color", "face", "size"):
            element.attrib.pop(name, None)
    if tag == "big":
        element.set("class", " ".join(filter(None, [element.get("class"), "big"])))
    element.tag = _RENAMED.get(tag, tag)
    align = (element.attrib.pop("align", "") or "").strip().lower()
    if align in _ALIGNMENTS:
        styles.append(f"text-align: {align}")
    if styles:
        element.set("style", "; ".join(styles))
    for name in _OBSOLETE_ATTRIBUTES.get(element.tag, ()):
        element.attrib.pop(name, None)
    _fix_common_attributes(element)
    if element.tag == "a":
        _fix_link(element)
    elif element.tag == "img":
        _replace_image(element)
    elif element.tag == "iframe":
        _replace_player(element)
    elif element.tag == "table":
        _fix_table(element)
    elif element.tag == "ol":
        _fix_list(element)
    _keep_whole_numbers(element, ("colspan", "rowspan", "span"))


def _fix_common_attributes(element: HtmlElement) -> None:
    direction = element.get("dir")
    if direction is not None and direction not in ("ltr", "rtl", "auto"):
        del element.attrib["dir"]
    lang = element.get("lang")
    if lang is not None:
        # XHTML wants xml:lang beside lang, and both must agree.
        if re.match(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$", lang):
            element.set(_XML_LANG, lang)
        else:
            del element.attrib["lang"]


def _fix_link(link: HtmlElement) -> None:
    # Links within the archive's pages (relative, fragments) point nowhere inside the book.
    if not _WEB_LINK.match((link.get("href") or "").strip()):
        link.attrib.pop("href", None)
        link.attrib.pop("rel", None)


def _replace_image(image: HtmlElement) -> None:
    """EPUB forbids remote images: the image becomes a link to it, labelled by its alt text."""
    src = (image.get("src") or "").strip()
    label = (image.get("alt") or "").strip() or "image"
    image.attrib.clear()
    image.tag = "a" if _WEB_LINK.match(src) else "span"
    if image.tag == "a":
        image.set("href", src)
    image.text = f"[{label}]"


def _replace_player(frame: HtmlElement) -> None:
    """An embedded player (``core.embed_hosts``) cannot play in a book: a link to it."""
    src = (frame.get("src") or "").strip()
    label = (frame.get("title") or "").strip() or "embedded player"
    frame.attrib.clear()
    for child in list(frame):
        frame.remove(child)
    frame.tag = "a" if src.lower().startswith("https://") else "span"
    if frame.tag == "a":
        frame.set("href", src)
    frame.text = f"[{label}]"


def _fix_table(table: HtmlElement) -> None:
    border = table.attrib.pop("border", None)
    if border not in (None, "", "0"):
        table.set("border", "1")


def _fix_list(ordered: HtmlElement) -> None:
    if ordered.get("type") not in (None, "1", "a", "A", "i", "I"):
        del ordered.attrib["type"]
    _keep_whole_numbers(ordered, ("start",))


def _keep_whole_numbers(element: HtmlElement, names: tuple[str, ...]) -> None:
    for name in names:
        value = element.get(name)
        if value is not None and not re.fullmatch(r"-?\d+", value.strip()):
            del element.attrib[name]
