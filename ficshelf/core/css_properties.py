"""The CSS properties a skin may use (``core.css_sanitizer``), after AO3's skin allowlist.

AO3 lists families whose every member is allowed (``border`` lets through
``border-top-left-radius``) and single properties. Left out of AO3's list on purpose:
``behavior`` and ``binding`` (old browsers ran code from them), ``-replace``,
``-use-link-source``, ``include-source`` and ``accelerator`` (never standard, nothing a
writer needs), ``move-to``, ``string-set``, ``nav-*`` and ``target-*`` (they move content
or focus around the page), ``marquee-*`` and ``ime-mode``. AO3's families ``text`` and
``overflow`` are kept; it matched families anywhere in a name (so ``context`` passed as
``text``), here a family is the name itself or the name followed by a dash.
"""

from __future__ import annotations

PROPERTY_FAMILIES = frozenset(
    {
        "background", "border", "column", "cue", "flex", "font", "list-style", "margin",
        "marker", "outline", "overflow", "padding", "page-break", "pause", "scrollbar", "text",
        "transform", "transition",
    }
)  # fmt: skip

ALLOWED_PROPERTIES = frozenset(
    {
        "align-content", "align-items", "align-self", "alignment-adjust", "alignment-baseline",
        "appearance", "azimuth", "baseline-shift", "bottom", "box-shadow", "box-sizing",
        "caption-side", "clear", "clip", "color", "color-scheme", "content",
        "counter-increment", "counter-reset", "cursor", "direction", "display",
        "dominant-baseline", "elevation", "empty-cells", "filter", "float", "font-family",
        "font-size", "font-size-adjust", "font-stretch", "font-style", "font-variant",
        "font-weight", "hanging-punctuation", "height", "hyphens", "image-orientation",
        "justify-content", "left", "letter-spacing", "line-break", "line-height", "max-height",
        "max-width", "min-height", "min-width", "opacity", "order", "orphans", "pitch",
        "pitch-range", "position", "quotes", "resize", "richness", "right", "ruby-align",
        "ruby-position", "speak", "speak-header", "speak-numeral", "speak-punctuation",
        "speech-rate", "stress", "table-layout", "top", "unicode-bidi", "user-select",
        "vertical-align", "visibility", "voice-family", "volume", "white-space", "widows",
        "width", "word-break", "word-spacing", "word-wrap", "writing-mode", "z-index",
    }
)  # fmt: skip

# AO3 lets these prefixes through in front of an allowed name.
VENDOR_PREFIXES = ("-moz-", "-ms-", "-o-", "-webkit-")

# Properties that show an image: the only ones where url() may appear (AO3's rule).
URL_PROPERTIES = frozenset(
    {"background", "background-image", "border-image", "list-style", "list-style-image"}
)
