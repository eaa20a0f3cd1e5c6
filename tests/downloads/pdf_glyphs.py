"""Which characters a PDF draws with a font's ``.notdef`` glyph (the empty box, "tofu").

WeasyPrint embeds every font as a composite (Type0) font: a text-showing operator's bytes
are codes that the font's encoding CMap turns into CIDs ("Identity-H": two bytes, the code
is the CID; otherwise a CMap stream of its own), and the CIDToGIDMap turns CIDs into glyphs.
Glyph 0 is ``.notdef`` in every TrueType and OpenType font. The ToUnicode CMap says which
character each code stood for, so a test can name what was lost.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pikepdf

TEXT_SHOWING = {"Tj", "TJ", "'", '"'}


def notdef_characters(pdf: bytes) -> list[str]:
    """The characters drawn as ``.notdef``, in the order the pages draw them."""
    return [
        font.character(code)
        for font, codes in _shown(pdf)
        for code in codes
        if font.glyph(code) == 0
    ]


def fonts_drawing(pdf: bytes) -> list[tuple[str, str]]:
    """Each run of text as (the font without its subset tag, the characters it drew)."""
    return [
        (font.name.split("+", 1)[-1], "".join(font.character(code) for code in codes))
        for font, codes in _shown(pdf)
    ]


def _shown(pdf: bytes) -> Iterator[tuple[_Font, list[int]]]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            yield from _shown_in(page.obj, page.obj.get("/Resources", pikepdf.Dictionary()))


def _shown_in(
    content: pikepdf.Object, resources: pikepdf.Object
) -> Iterator[tuple[_Font, list[int]]]:
    fonts = resources.get("/Font", pikepdf.Dictionary())
    font: _Font | None = None
    for operands, operator in pikepdf.parse_content_stream(content):
        name = str(operator)
        if name == "Tf":
            font = _Font(fonts[operands[0]])
        elif name == "Do":
            xobject = resources["/XObject"][operands[0]]
            if xobject.get("/Subtype") == "/Form":
                yield from _shown_in(xobject, xobject.get("/Resources", resources))
        elif name in TEXT_SHOWING and font is not None:
            shown = b"".join(
                bytes(string)
                for operand in operands
                for string in (operand if isinstance(operand, pikepdf.Array) else [operand])
                if isinstance(string, pikepdf.String)
            )
            yield font, [int.from_bytes(shown[i : i + 2], "big") for i in range(0, len(shown), 2)]


class _Font:
    def __init__(self, font: pikepdf.Object) -> None:
        if font.get("/Subtype") != "/Type0":
            raise AssertionError(f"WeasyPrint wrote a simple font: {font.get('/BaseFont')}")
        descendant = font["/DescendantFonts"][0]
        self.name = str(font.get("/BaseFont"))
        self.cids = _cmap_codes(font["/Encoding"], r"begincidchar(.*?)endcidchar")
        self.glyphs = _cid_to_gid(descendant.get("/CIDToGIDMap", pikepdf.Name.Identity))
        self.unicode = (
            _cmap_codes(font["/ToUnicode"], r"beginbfchar(.*?)endbfchar")
            if "/ToUnicode" in font
            else None
        )

    def glyph(self, code: int) -> int:
        cid = code if self.cids is None else int(self.cids[code])
        return cid if self.glyphs is None else self.glyphs[cid]

    def character(self, code: int) -> str:
        if self.unicode is None or code not in self.unicode:
            return f"<code {code:04x} in {self.name}>"
        return bytes.fromhex(self.unicode[code]).decode("utf-16-be")


def _cmap_codes(cmap: pikepdf.Object, section: str) -> dict[int, str] | None:
    """A CMap's single-code entries (``<0f80> 0`` or ``<0f80> <db80dc00>``), or None for
    the predefined Identity-H, where a code is its own CID."""
    if isinstance(cmap, pikepdf.Name):
        assert cmap == pikepdf.Name("/Identity-H"), cmap
        return None
    text = cmap.read_bytes().decode("latin-1")
    if re.search(r"begin(cid|bf)range", text):
        raise AssertionError("a CMap with code ranges: read them too")
    entries: dict[int, str] = {}
    for block in re.findall(section, text, re.S):
        for code, value in re.findall(r"<([0-9a-fA-F]+)>\s*<?([0-9a-fA-F]+)>?", block):
            entries[int(code, 16)] = value
    return entries


def _cid_to_gid(mapping: pikepdf.Object) -> list[int] | None:
    """The glyph of each CID, or None for /Identity, where a CID is its own glyph."""
    if isinstance(mapping, pikepdf.Name):
        return None
    table = mapping.read_bytes()
    return [int.from_bytes(table[i : i + 2], "big") for i in range(0, len(table), 2)]
