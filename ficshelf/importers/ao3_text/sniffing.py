"""Reading the bytes as text, and telling a work page copy from HTML and from other AO3 pages."""

from __future__ import annotations

from collections.abc import Sequence

from ficshelf.importers.base import ImportFailed, ImportRefused

# Zero-width characters that browsers copy around links and that make a blank line non-blank.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"

# Pages a reader may copy instead of the work: refuse them with what to do instead.
_GATE_PAGES = (
    (
        "This work could have adult content. If you continue",
        "this is AO3's adult-content warning page, not the work: choose “Yes, Continue” "
        "on AO3 and copy the work page that follows",
    ),
    (
        "This work is only available to registered users of the Archive.",
        "this is AO3's “registered users only” page: log in to AO3 and copy the work page",
    ),
)
_ERROR_PAGES = (
    (
        "The page you were looking for doesn't exist.",
        "this is AO3's “page not found” error, not a work",
    ),
    (
        "will be revealed soon!",
        "this work is in an unrevealed collection on AO3 and its text is not shown yet",
    ),
    ("Retry later", "this is AO3's “Retry later” page: AO3 was busy, copy the work again"),
)
_NOT_A_WORK = _GATE_PAGES + _ERROR_PAGES


def decode_head(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # The 64 KiB head may end in the middle of a character: that is not bad UTF-8.
        if error.reason == "unexpected end of data":
            return head[: error.start].decode("utf-8-sig", errors="strict")
        return None


def decode_file(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise ImportFailed(f"{name} is a binary file, not text copied from an AO3 work page")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed(
            f"{name} is not UTF-8 text (undecodable byte at offset {error.start}): "
            "save the copied text as UTF-8 and import it again"
        ) from error


def looks_like_markup(text: str) -> bool:
    start = text.lstrip("\ufeff \t\r\n")[:200].lower()
    return start.startswith(("<!doctype", "<html", "<?xml", "<head", "<body"))


def clean_line(line: str) -> str:
    return line.strip().strip(_INVISIBLE).strip()


def mentions_gate_page(text: str) -> bool:
    """True for a copied adult-content or registered-users-only page (not for error pages)."""
    return any(marker in text for marker, _reason in _GATE_PAGES)


def refuse_pages_that_are_not_works(lines: Sequence[str]) -> None:
    text = "\n".join(lines)
    for marker, reason in _NOT_A_WORK:
        if marker in text:
            raise ImportRefused(reason)
