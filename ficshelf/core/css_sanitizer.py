"""Cleaning CSS that members write: work skins and their own site skins.

A stylesheet a writer gives us reaches every reader of their works, so it is held to an
allowlist as strict as AO3's skin sanitizer (decision 0022), rebuilt from its parsed
tokens rather than passed through:

- parsed by tinycss2, which decodes escapes (``\\62 ehavior`` is ``behavior``) and drops
  comments before anything is judged; the output is written from the tokens kept, so no
  comment, escape trick or stray brace of the input reaches it;
- only plain style rules and ``@media`` blocks of them; every other at-rule goes
  (``@import``, ``@font-face``, ``@namespace``, ``@keyframes``...), and so does nesting;
- properties from AO3's list (``properties.py``), with its families (``border-*``,
  ``text-*``...) and vendor prefixes; never ``behavior``, ``-moz-binding`` or custom
  properties;
- values built of keywords, numbers in a few units, colours, a few functions (colours,
  gradients, transforms, filters) and ``url()`` only for images on the hosts admins
  list for skins (``core.skin_image_hosts``), over HTTPS, in the properties that show
  images;
  ``position: fixed`` and ``sticky`` never (a work's text may not cover the page);
- selectors from a small grammar (element names, classes, ids, attributes, a list of
  pseudo-classes); a work skin's are put under the work text's container (``#workskin``)
  and those that try to leave it (``body``, ``html``, ``:root``, ``*`` in front, ``~`` or
  ``+`` after the container) are rewritten or dropped;
- a site skin others wear (a public one) tests no attribute that holds what a page shows
  (``public_site_skin_refusals``, checked when it is asked public and when approved).

What was left out is said, one line each, so the writer can correct it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import tinycss2
import tinycss2.ast as css

from ficshelf.core.css_properties import (
    ALLOWED_PROPERTIES,
    PROPERTY_FAMILIES,
    URL_PROPERTIES,
    VENDOR_PREFIXES,
)
from ficshelf.core.safe_urls import WEB_SCHEMES, allowed_url
from ficshelf.core.skin_image_hosts import allowed_skin_image_source

WORK_SKIN_SCOPE = "#workskin"
# A skin is a few hundred lines at most; AO3 caps skins alike.
CSS_MAX_LENGTH = 100_000

_UNITS = {"cm", "em", "ex", "in", "mm", "pc", "pt", "px", "rem", "deg", "s", "ms"}
_NUMBER_LIMIT = 10_000  # no 1e9px boxes
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")
# Words that are never a value, whatever the property: old scripting hooks of browsers.
_FORBIDDEN_WORDS = re.compile(r"expression|javascript|vbscript|behavior|binding|import", re.I)
# Never fixed or sticky (prefixed or not): a work's text may not stay over the page.
_POSITIONS = {"static", "relative", "absolute", "inherit", "initial", "unset"}
_COLOUR_FUNCTIONS = {"rgb", "rgba", "hsl", "hsla"}
_TRANSFORM_FUNCTIONS = {
    "matrix", "rotate", "rotatex", "rotatey", "scale", "scalex", "scaley", "skew", "skewx",
    "skewy", "translate", "translatex", "translatey",
}  # fmt: skip
_FILTER_FUNCTIONS = {
    "blur", "brightness", "contrast", "grayscale", "hue-rotate", "invert", "opacity",
    "saturate", "sepia", "drop-shadow",
}  # fmt: skip
_GRADIENTS = {
    "linear-gradient", "radial-gradient", "repeating-linear-gradient",
    "repeating-radial-gradient",
}  # fmt: skip
_NUMERIC_FUNCTIONS = _COLOUR_FUNCTIONS | _TRANSFORM_FUNCTIONS | _FILTER_FUNCTIONS | {"rect"}

# Selectors: the pseudo-classes and pseudo-elements a skin may use (nothing that reaches
# outside the element: no :root, :host, :has).
_PSEUDO_CLASSES = {
    "active", "checked", "empty", "first-child", "first-of-type", "focus", "hover",
    "last-child", "last-of-type", "link", "only-child", "only-of-type", "target", "visited",
}  # fmt: skip
_PSEUDO_ELEMENTS = {"after", "before", "first-letter", "first-line", "marker", "selection"}
_PSEUDO_FUNCTIONS = {"nth-child", "nth-last-child", "nth-of-type", "nth-last-of-type", "not"}
# Compounds that stand for the page rather than the work: taken off the front of a work
# skin's selector, and a selector that names them anywhere else is dropped.
_PAGE_ELEMENTS = {"html", "body"}
_COMBINATORS = {">", "+", "~"}
_ATTRIBUTE_MATCHES = {"=", "~=", "|=", "^=", "$=", "*="}
_MEDIA_WORDS = {
    "all", "and", "screen", "print", "only", "not", "max-width", "min-width", "orientation",
    "portrait", "landscape", "prefers-color-scheme", "dark", "light", "prefers-reduced-motion",
    "reduce", "no-preference", "max-height", "min-height",
}  # fmt: skip


@dataclass
class CleanedCss:
    css: str
    problems: list[str] = field(default_factory=list)


class _Refused(Exception):
    """One value, selector or rule left out; the message tells the writer why."""


def clean_css(source: str, *, scope: str | None = WORK_SKIN_SCOPE) -> CleanedCss:
    """``source`` with everything outside the allowlist left out.

    ``scope`` is the selector every rule is put under (a work skin's ``#workskin``); None
    for a member's own site skin, which may style the whole page with the same
    properties and values.
    """
    result = CleanedCss(css="")
    if len(source) > CSS_MAX_LENGTH:
        result.problems.append(
            f"A skin can be at most {CSS_MAX_LENGTH:,} characters long; this one is "
            f"{len(source):,}."
        )
        return result
    rules = tinycss2.parse_stylesheet(source, skip_comments=True, skip_whitespace=True)
    blocks = _clean_rules(rules, scope, result.problems, allow_media=True)
    result.css = "\n\n".join(blocks) + ("\n" if blocks else "")
    return result


def _clean_rules(
    rules: Iterable[css.Node], scope: str | None, problems: list[str], *, allow_media: bool
) -> list[str]:
    blocks: list[str] = []
    for rule in rules:
        if isinstance(rule, css.QualifiedRule):
            block = _clean_style_rule(rule, scope, problems)
            if block:
                blocks.append(block)
        elif isinstance(rule, css.AtRule) and rule.lower_at_keyword == "media" and allow_media:
            block = _clean_media_rule(rule, scope, problems)
            if block:
                blocks.append(block)
        elif isinstance(rule, css.AtRule):
            problems.append(f"We don't allow @{rule.lower_at_keyword} in skins.")
        elif isinstance(rule, css.ParseError):
            problems.append(f"Some of the code could not be read as CSS ({rule.message}).")
    return blocks


def _clean_media_rule(rule: css.AtRule, scope: str | None, problems: list[str]) -> str:
    try:
        query = _clean_media_query(rule.prelude)
    except _Refused as refused:
        problems.append(str(refused))
        return ""
    if rule.content is None:
        return ""
    inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
    blocks = _clean_rules(inner, scope, problems, allow_media=False)
    if not blocks:
        return ""
    body = "\n".join("  " + line for block in blocks for line in block.splitlines())
    return f"@media {query} {{\n{body}\n}}"


def _clean_media_query(prelude: Sequence[css.Node]) -> str:
    def check(tokens: Iterable[css.Node]) -> None:
        for token in tokens:
            if isinstance(token, css.WhitespaceToken):
                continue
            if isinstance(token, css.IdentToken) and token.lower_value in _MEDIA_WORDS:
                continue
            if isinstance(token, css.LiteralToken) and token.value in {",", ":"}:
                continue
            if isinstance(token, css.DimensionToken | css.NumberToken):
                _check_number(token)
                continue
            if isinstance(token, css.ParenthesesBlock):
                check(token.content)
                continue
            raise _Refused("That @media rule asks something we don't allow; use widths.")

    check(prelude)
    return _serialized(prelude)


# --- Selectors ------------------------------------------------------------------------------


def _clean_style_rule(rule: css.QualifiedRule, scope: str | None, problems: list[str]) -> str:
    selectors: list[str] = []
    for selector in _split_on_commas(rule.prelude):
        text = tinycss2.serialize(selector).strip()
        try:
            selectors.append(_clean_selector(selector, scope))
        except _Refused as refused:
            problems.append(f"{text}: {refused}")
    if not selectors:
        return ""
    written = tinycss2.serialize(rule.prelude).strip()
    declarations = _clean_declarations(rule.content, written, problems)
    if not declarations:
        return ""
    body = "".join(f"  {line};\n" for line in declarations)
    return ",\n".join(dict.fromkeys(selectors)) + " {\n" + body + "}"


def _split_on_commas(tokens: Sequence[css.Node]) -> list[list[css.Node]]:
    parts: list[list[css.Node]] = [[]]
    for token in tokens:
        if isinstance(token, css.LiteralToken) and token.value == ",":
            parts.append([])
        else:
            parts[-1].append(token)
    return [part for part in parts if any(not isinstance(t, css.WhitespaceToken) for t in part)]


def _compounds(tokens: Sequence[css.Node]) -> list[tuple[str, list[css.Node]]]:
    """The selector as (combinator, compound) pairs; the first combinator is ""."""
    pairs: list[tuple[str, list[css.Node]]] = []
    combinator = ""
    current: list[css.Node] = []
    pending_space = False
    for token in tokens:
        if isinstance(token, css.WhitespaceToken):
            pending_space = bool(current)
            continue
        if isinstance(token, css.LiteralToken) and token.value in _COMBINATORS:
            if current:
                pairs.append((combinator, current))
                current = []
            elif pairs or combinator:
                raise _Refused("two combinators in a row.")
            combinator = token.value
            pending_space = False
            continue
        if pending_space and current:
            pairs.append((combinator, current))
            current, combinator = [], " "
        pending_space = False
        current.append(token)
    if current:
        pairs.append((combinator, current))
    elif combinator:
        raise _Refused("the selector ends with a combinator.")
    return pairs


def _clean_selector(tokens: Sequence[css.Node], scope: str | None) -> str:
    pairs = _compounds(tokens)
    if not pairs:
        raise _Refused("an empty selector.")
    if scope is None:
        for _, compound in pairs:
            _check_compound(compound)
        if pairs[0][0]:
            raise _Refused("a selector can't start with a combinator.")
        return _write(pairs)
    # Take off what stands for the page or the container in front: "body p", ":root .x",
    # "* p", "#workskin p" all mean the work's own "p" and ".x".
    while pairs and _stands_for_page_or_scope(pairs[0][1], scope):
        pairs = pairs[1:]
        if pairs and pairs[0][0] in {"+", "~"}:
            raise _Refused(f"a skin can't style what comes after {scope}.")
        if pairs:
            pairs[0] = ("", pairs[0][1])
    if pairs and pairs[0][0]:
        raise _Refused(f"a skin can't style what comes after {scope}.")
    for _, compound in pairs:
        _check_compound(compound)
        if _names_page(compound):
            raise _Refused("a work skin can style only the work, not the page around it.")
    if not pairs:
        return scope
    return f"{scope} {_write(pairs)}"


def _stands_for_page_or_scope(compound: list[css.Node], scope: str) -> bool:
    text = tinycss2.serialize(compound).strip().lower()
    return text in {"html", "body", ":root", "*", scope.lower()}


def _names_page(compound: Sequence[css.Node]) -> bool:
    """Whether an element name (not a class or pseudo-class) in ``compound``, or in a
    :not() of it, is the page's ``html`` or ``body``, or it asks for ``:root``."""
    previous: css.Node | None = None
    for token in compound:
        if isinstance(token, css.IdentToken):
            after_dot_or_colon = isinstance(previous, css.LiteralToken) and previous.value in ".:"
            if token.lower_value in _PAGE_ELEMENTS and not after_dot_or_colon:
                return True
            if token.lower_value == "root" and _is_literal(previous, ":"):
                return True
        if isinstance(token, css.FunctionBlock) and _names_page(
            [t for t in token.arguments if not isinstance(t, css.WhitespaceToken)]
        ):
            return True
        previous = token
    return False


def _check_compound(compound: list[css.Node]) -> None:
    index = 0
    while index < len(compound):
        token = compound[index]
        if isinstance(token, css.IdentToken):
            pass  # an element name
        elif isinstance(token, css.HashToken):
            if not token.is_identifier:
                raise _Refused("an id must be a name.")
        elif isinstance(token, css.LiteralToken) and token.value == "*":
            pass
        elif isinstance(token, css.LiteralToken) and token.value == ".":
            index += 1
            if index >= len(compound) or not isinstance(compound[index], css.IdentToken):
                raise _Refused("a class must be a name.")
        elif isinstance(token, css.LiteralToken) and token.value == ":":
            index = _check_pseudo(compound, index + 1)
            continue
        elif isinstance(token, css.SquareBracketsBlock):
            _check_attribute(token)
        else:
            raise _Refused("we don't allow that in selectors.")
        index += 1


def _check_pseudo(compound: list[css.Node], index: int) -> int:
    is_element = False
    if index < len(compound) and _is_literal(compound[index], ":"):
        is_element, index = True, index + 1
    if index >= len(compound):
        raise _Refused("a pseudo-class needs a name.")
    token = compound[index]
    if isinstance(token, css.IdentToken):
        allowed = _PSEUDO_ELEMENTS if is_element else _PSEUDO_CLASSES | _PSEUDO_ELEMENTS
        if token.lower_value not in allowed:
            raise _Refused(f"we don't allow :{token.lower_value} in skins.")
    elif isinstance(token, css.FunctionBlock) and not is_element:
        if token.lower_name not in _PSEUDO_FUNCTIONS:
            raise _Refused(f"we don't allow :{token.lower_name}() in skins.")
        if token.lower_name == "not":
            _check_compound([t for t in token.arguments if not isinstance(t, css.WhitespaceToken)])
        else:
            for argument in token.arguments:
                if not isinstance(
                    argument,
                    css.WhitespaceToken | css.NumberToken | css.DimensionToken | css.IdentToken,
                ) and not _is_literal(argument, "+"):
                    raise _Refused("we don't allow that inside :nth-child().")
                if isinstance(argument, css.IdentToken) and not re.fullmatch(
                    r"odd|even|-?n(-\d+)?", argument.lower_value
                ):
                    raise _Refused("we don't allow that inside :nth-child().")
    else:
        raise _Refused("we don't allow that pseudo-class.")
    return index + 1


def _check_attribute(block: css.SquareBracketsBlock) -> None:
    for token in block.content:
        if isinstance(token, css.WhitespaceToken | css.IdentToken):
            continue
        if isinstance(token, css.StringToken) and _plain_string(token.value):
            continue
        if isinstance(token, css.LiteralToken) and token.value in _ATTRIBUTE_MATCHES:
            continue
        raise _Refused("we don't allow that in an attribute selector.")


# --- Public site skins -----------------------------------------------------------------------

# The attributes a public site skin's selectors may test. Others wear it on every page they
# see, their own included, and an attribute selector with an image (or one that shows a
# box holding an image) tells the image's host what the page holds, a letter at a time:
# input[value^="a"] spells out a form's token, a[href*="/works/12/"] says what they read.
# These take a few fixed words or none, from the archive's markup (a list's type in a work
# at most), so there is nothing to spell out; AO3's stylesheets test input[type=...].
PUBLIC_SKIN_ATTRIBUTES = (
    "type", "role", "disabled", "readonly", "required", "multiple", "hidden", "open",
)  # fmt: skip


def public_site_skin_refusals(source: str) -> list[str]:
    """Why a site skin (as ``clean_css`` wrote it) may not be worn by others: one line per
    selector testing an attribute other than ``PUBLIC_SKIN_ATTRIBUTES``, or naming an id
    or class with a digit in it, naming what it tests."""
    refusals: list[str] = []
    allowed = ", ".join(PUBLIC_SKIN_ATTRIBUTES)
    for prelude in _selector_lists(tinycss2.parse_stylesheet(source, skip_comments=True)):
        for selector in _split_on_commas(prelude):
            tested = [n for n in _attribute_names(selector) if n not in PUBLIC_SKIN_ATTRIBUTES]
            rows = list(_row_names(selector))
            if tested:
                refusals.append(
                    f"{_serialized(selector)}: a public site skin can't test [{tested[0]}]; "
                    f"it may test only these, which hold nothing of the member's: {allowed}."
                )
            elif rows:
                refusals.append(
                    f"{_serialized(selector)}: a public site skin can't name {rows[0]}; "
                    "ids and classes with a number in them name one work, bookmark or list."
                )
    return refusals


def _row_names(tokens: Sequence[css.Node]) -> Iterable[str]:
    """Ids and classes with a digit in them: the archive's markup numbers its rows that way
    (``id="work_12"``), so a public skin's image on ``#work_12`` would tell its host that a
    wearer's page listed that work. Escapes are already read (``#work\31 2`` is work12)."""
    for index, token in enumerate(tokens):
        if isinstance(token, css.HashToken) and any(c.isdigit() for c in token.value):
            yield f"#{token.value}"
        elif (
            isinstance(token, css.LiteralToken)
            and token.value == "."
            and index + 1 < len(tokens)
            and isinstance(tokens[index + 1], css.IdentToken)
            and any(c.isdigit() for c in tokens[index + 1].value)
        ):
            yield f".{tokens[index + 1].value}"
        elif isinstance(token, css.FunctionBlock):
            yield from _row_names(token.arguments)


def _selector_lists(rules: Iterable[css.Node]) -> Iterable[Sequence[css.Node]]:
    for rule in rules:
        if isinstance(rule, css.QualifiedRule):
            yield rule.prelude
        elif isinstance(rule, css.AtRule) and rule.content is not None:
            yield from _selector_lists(tinycss2.parse_rule_list(rule.content, skip_comments=True))


def _attribute_names(tokens: Iterable[css.Node]) -> Iterable[str]:
    """The attributes a selector tests, :not() and the like included."""
    for token in tokens:
        if isinstance(token, css.SquareBracketsBlock):
            name = next((t for t in token.content if isinstance(t, css.IdentToken)), None)
            yield name.lower_value if name is not None else ""
        elif isinstance(token, css.FunctionBlock):
            yield from _attribute_names(token.arguments)


def _write(pairs: list[tuple[str, list[css.Node]]]) -> str:
    parts: list[str] = []
    for combinator, compound in pairs:
        if combinator in _COMBINATORS:
            parts.append(combinator)
        parts.append(tinycss2.serialize(compound))
    # tinycss2 keeps "2n" and "+1" apart with an empty comment; in An+B they belong together.
    return _NTH_ARGUMENTS.sub(lambda found: found[0].replace("/**/", ""), " ".join(parts))


def _serialized(tokens: Iterable[css.Node]) -> str:
    text: str = tinycss2.serialize(tokens)
    return text.strip()


_NTH_ARGUMENTS = re.compile(r":nth-[a-z-]+\([^)]*\)")


def _is_literal(token: css.Node | None, value: str) -> bool:
    return isinstance(token, css.LiteralToken) and token.value == value


# --- Declarations ---------------------------------------------------------------------------


def _clean_declarations(
    content: Sequence[css.Node] | None, selectors: str, problems: list[str]
) -> list[str]:
    if content is None:
        return []
    kept: list[str] = []
    items = tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True)
    for item in items:
        if not isinstance(item, css.Declaration):
            problems.append(f"{selectors}: rules inside rules aren't allowed; write them apart.")
            continue
        name = item.lower_name
        try:
            if not property_allowed(name):
                raise _Refused(f"we don't allow the CSS property {name}.")
            value = _clean_value(name, item.value)
        except _Refused as refused:
            problems.append(f"{selectors}: {refused}")
            continue
        kept.append(f"{name}: {value}" + (" !important" if item.important else ""))
    return kept


def property_allowed(name: str) -> bool:
    if name.startswith("--"):
        return False  # custom properties: values we could not judge where they are used
    bare = name
    for prefix in VENDOR_PREFIXES:
        if name.startswith(prefix):
            bare = name[len(prefix) :]
            break
    if bare in ALLOWED_PROPERTIES:
        return True
    return any(bare == family or bare.startswith(family + "-") for family in PROPERTY_FAMILIES)


def _clean_value(name: str, tokens: Sequence[css.Node]) -> str:
    meaningful = [t for t in tokens if not isinstance(t, css.WhitespaceToken)]
    if not meaningful:
        raise _Refused(f"{name} needs a value.")
    bare = re.sub(r"^-(moz|ms|o|webkit)-", "", name)
    if bare == "font-family":
        _check_font_family(meaningful)
    elif bare == "content":
        _check_content(meaningful)
    else:
        _check_tokens(bare, meaningful)
    value = _serialized(tokens)
    if "\\" in value or "<" in value:
        raise _Refused(f"the value of {name} holds characters we don't allow.")
    return value


def _check_font_family(tokens: list[css.Node]) -> None:
    for token in tokens:
        if isinstance(token, css.IdentToken) and re.fullmatch(r"[a-z0-9-]+", token.lower_value):
            continue
        if isinstance(token, css.StringToken) and re.fullmatch(r"[A-Za-z0-9 -]+", token.value):
            continue
        if _is_literal(token, ","):
            continue
        raise _Refused("font names may hold letters, digits, spaces and dashes only.")


def _check_content(tokens: list[css.Node]) -> None:
    if len(tokens) != 1:
        raise _Refused("content may be one quoted text, an image or none.")
    token = tokens[0]
    if isinstance(token, css.StringToken) and _plain_string(token.value):
        return
    if isinstance(token, css.IdentToken) and token.lower_value == "none":
        return
    if _is_url(token):
        _check_url(token)
        return
    raise _Refused("content may be one quoted text, an image or none.")


def _plain_string(text: str) -> bool:
    # "<" never: whatever may one day put a skin inside a page, "</style" stays out.
    return len(text) <= 200 and not re.search(r"[\\<\x00-\x1f\x7f]", text)


def _check_tokens(name: str, tokens: Iterable[css.Node], *, inside: str = "") -> None:
    for token in tokens:
        if isinstance(token, css.WhitespaceToken):
            continue
        if isinstance(token, css.IdentToken):
            _check_keyword(name, token.lower_value)
        elif isinstance(token, css.NumberToken | css.PercentageToken | css.DimensionToken):
            _check_number(token)
        elif isinstance(token, css.HashToken):
            if not re.fullmatch(r"[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8}", token.value):
                raise _Refused(f"#{token.value} is not a colour.")
        elif isinstance(token, css.LiteralToken) and token.value in {",", "/"}:
            continue
        elif _is_url(token):
            if name not in URL_PROPERTIES or inside:
                raise _Refused(f"{name} can't hold an address.")
            _check_url(token)
        elif isinstance(token, css.FunctionBlock):
            _check_function(name, token)
        else:
            raise _Refused(f"we don't allow {tinycss2.serialize([token])!r} in {name}.")


def _check_keyword(name: str, word: str) -> None:
    if _FORBIDDEN_WORDS.search(word) or not re.fullmatch(r"-?[a-z][a-z-]*", word):
        raise _Refused(f"we don't allow the value {word}.")
    if name == "position" and word not in _POSITIONS:
        raise _Refused(f"position: {word} isn't allowed (nothing in a skin may cover the page).")


def _check_number(token: css.Node) -> None:
    value = getattr(token, "value", 0)
    if abs(value) >= _NUMBER_LIMIT:
        raise _Refused(f"{tinycss2.serialize([token])} is too large a number.")
    if isinstance(token, css.DimensionToken) and token.lower_unit not in _UNITS:
        raise _Refused(f"we don't allow the unit {token.lower_unit}.")


def _check_function(name: str, function: css.FunctionBlock) -> None:
    function_name = re.sub(r"^-(moz|ms|o|webkit)-", "", function.lower_name)
    if function_name in _GRADIENTS:
        _check_tokens(name, function.arguments, inside=function_name)
        return
    if function_name in _NUMERIC_FUNCTIONS:
        for argument in function.arguments:
            if isinstance(argument, css.IdentToken) and function_name == "drop-shadow":
                _check_keyword(name, argument.lower_value)
            elif isinstance(argument, css.HashToken) and function_name == "drop-shadow":
                _check_tokens(name, [argument], inside=function_name)
            elif isinstance(argument, css.NumberToken | css.PercentageToken | css.DimensionToken):
                _check_number(argument)
            elif not isinstance(argument, css.WhitespaceToken) and not _is_literal(argument, ","):
                raise _Refused(f"we don't allow that inside {function_name}().")
        return
    raise _Refused(f"we don't allow the function {function.lower_name}() in skins.")


def _is_url(token: css.Node) -> bool:
    return isinstance(token, css.URLToken) or (
        isinstance(token, css.FunctionBlock) and token.lower_name == "url"
    )


def _check_url(token: css.Node) -> None:
    if isinstance(token, css.URLToken):
        address = token.value
    else:
        assert isinstance(token, css.FunctionBlock)
        strings = [t for t in token.arguments if not isinstance(t, css.WhitespaceToken)]
        if len(strings) != 1 or not isinstance(strings[0], css.StringToken):
            raise _Refused("url() takes one address.")
        address = strings[0].value
    kept = allowed_url(address, WEB_SCHEMES, relative=False)
    source = allowed_skin_image_source(kept) if kept else None
    if source is None or source != address:
        raise _Refused("images must come over https from a host this archive allows.")
    path = urlsplit(address).path.lower()
    if not path.endswith(_IMAGE_SUFFIXES) or re.search(r"[\s'\"()\\<>]", address):
        raise _Refused("url() may point only at a JPG, PNG, GIF or WebP image.")
