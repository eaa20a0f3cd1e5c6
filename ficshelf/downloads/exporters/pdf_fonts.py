"""Which scripts the PDF export can draw: a PDF embeds the server's fonts, so a character
no installed font has is drawn as the font's empty box (its ``.notdef`` glyph), unlike
the EPUB and HTML downloads, which the reader's own device lays out with its fonts.

Fontconfig is asked directly (the library Pango, hence WeasyPrint, finds fonts through),
not through its ``fc-list`` program, which Debian packages apart from the library.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Script:
    name: str  # as the system check says it
    pattern: str  # a fontconfig pattern that only a font drawing the script matches
    packages: str  # Debian's packages with such fonts


# Emoji by three that only emoji fonts have (DejaVu Sans draws 😀 and a few dozen others in
# black and white, not these), rather than by "lang=und-zsye", which older fontconfig lacks.
SCRIPTS = [
    Script("Chinese", ":lang=zh-cn", "fonts-noto-cjk"),
    Script("Japanese", ":lang=ja", "fonts-noto-cjk"),
    Script("Korean", ":lang=ko", "fonts-noto-cjk"),
    Script("emoji", ":charset=1f44d 1f525 1f97a", "fonts-noto-color-emoji"),
]


class FontconfigMissing(Exception):
    """The fontconfig library is not installed, so no PDF can be laid out at all."""


class _FontSet(ctypes.Structure):
    _fields_ = [
        ("nfont", ctypes.c_int),
        ("sfont", ctypes.c_int),
        ("fonts", ctypes.POINTER(ctypes.c_void_p)),
    ]


@cache
def _fontconfig() -> ctypes.CDLL:
    path = ctypes.util.find_library("fontconfig")
    if path is None:
        raise FontconfigMissing("the fontconfig library is not installed")
    library = ctypes.CDLL(path)
    library.FcNameParse.restype = ctypes.c_void_p
    library.FcNameParse.argtypes = [ctypes.c_char_p]
    library.FcObjectSetBuild.restype = ctypes.c_void_p
    library.FcFontList.restype = ctypes.POINTER(_FontSet)
    library.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    library.FcFontSetDestroy.argtypes = [ctypes.POINTER(_FontSet)]
    library.FcPatternDestroy.argtypes = [ctypes.c_void_p]
    library.FcObjectSetDestroy.argtypes = [ctypes.c_void_p]
    return library


def font_count(pattern: str) -> int:
    """How many installed fonts match a fontconfig pattern (``fc-list PATTERN | wc -l``)."""
    library = _fontconfig()
    query = library.FcNameParse(pattern.encode())
    if not query:
        raise ValueError(f"not a fontconfig pattern: {pattern}")
    # FcObjectSetBuild takes a NULL-ended list of property names.
    properties = library.FcObjectSetBuild(b"family", None)
    try:
        fonts = library.FcFontList(None, query, properties)
        try:
            return int(fonts.contents.nfont) if fonts else 0
        finally:
            if fonts:
                library.FcFontSetDestroy(fonts)
    finally:
        library.FcObjectSetDestroy(properties)
        library.FcPatternDestroy(query)


def scripts_without_fonts() -> list[Script]:
    """The scripts no installed font draws, which PDFs would show as empty boxes."""
    return [script for script in SCRIPTS if font_count(script.pattern) == 0]
