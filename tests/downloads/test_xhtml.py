"""User HTML made fit for EPUB 3: well-formed XML, no HTML 4 leftovers, no remote images."""

from __future__ import annotations

import lxml.etree

from ficshelf.downloads.exporters.txt import html_paragraphs
from ficshelf.downloads.xhtml import to_xhtml


def as_xml(html: str) -> lxml.etree._Element:
    return lxml.etree.fromstring(f"<div>{to_xhtml(html)}</div>")


def test_unclosed_html_becomes_well_formed_xml() -> None:
    root = as_xml("<p>one<br>two &amp; <i>three</p><hr>")
    assert lxml.etree.tostring(root, encoding="unicode") == (
        "<div><p>one<br/>two &amp; <i>three</i></p><hr/></div>"
    )


def test_center_and_font_become_styled_div_and_span() -> None:
    xhtml = to_xhtml('<center>mid</center><font color="red" face="Arial">red</font>')
    assert xhtml == ('<div style="text-align: center">mid</div><span style="color: red">red</span>')


def test_align_becomes_text_align() -> None:
    assert to_xhtml('<p align="Right">x</p>') == '<p style="text-align: right">x</p>'


def test_remote_image_becomes_a_link_to_it() -> None:
    xhtml = to_xhtml('<img src="https://example.org/a.png" alt="A map">')
    assert xhtml == '<a href="https://example.org/a.png">[A map]</a>'


def test_links_into_the_archive_lose_their_target() -> None:
    assert to_xhtml('<a href="/works/1" rel="nofollow">w</a>') == "<a>w</a>"


def test_lang_gets_a_matching_xml_lang() -> None:
    assert to_xhtml('<p lang="fr">x</p>') == '<p lang="fr" xml:lang="fr">x</p>'


def test_control_characters_are_dropped() -> None:
    assert to_xhtml("<p>a\x0cb\x00c</p>") == "<p>abc</p>"


def test_text_paragraphs_keep_line_breaks_and_list_items() -> None:
    html = "<p>one<br>two</p><ul><li>x</li><li>y</li></ul><p>  spaced   out </p>"
    assert html_paragraphs(html) == ["one\ntwo", "- x", "- y", "spaced out"]


def test_an_embedded_player_becomes_a_link_to_it() -> None:
    xhtml = to_xhtml(
        '<iframe src="https://w.soundcloud.com/player/?url=x&amp;a=1" title="Chapter 1 audio" '
        'sandbox="allow-scripts" loading="lazy"></iframe>'
    )
    assert xhtml == '<a href="https://w.soundcloud.com/player/?url=x&amp;a=1">[Chapter 1 audio]</a>'
