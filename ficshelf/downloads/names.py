"""File names for downloads: readable, and safe on every file system and in every header.

A download is named "<Title> - <creators>.<ext>" ("The Idol - seedwriter.epub"): a reader's
e-book folder then sorts by title and still says who wrote what, which AO3's title-only
"The_Idol.epub" does not. The name is sent twice in Content-Disposition: folded to ASCII
in ``filename`` (old clients) and as written in ``filename*`` (RFC 6266), so a Japanese
title stays readable. The URL carries AO3's style of slug ("The_Idol"), cosmetic only.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from ficshelf.works.display import credited_pseuds
from ficshelf.works.models import Work

MAX_NAME_LENGTH = 100
# Characters Windows, macOS or a quoted header cannot take, and control characters.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"*/:<>?\\|]+')
_NOT_SLUG = re.compile(r"[^A-Za-z0-9]+")


def download_filename(work: Work, extension: str) -> str:
    names = [pseud.name for pseud in credited_pseuds(work)]
    name = _shorten(_safe(f"{work.title} - {', '.join(names) or 'Anonymous'}"))
    return f"{name or f'Work {work.pk}'}.{extension}"


def ascii_filename(filename: str) -> str:
    stem, _, extension = filename.rpartition(".")
    folded = _safe(_fold_to_ascii(stem))
    return f"{folded or 'work'}.{extension}"


def content_disposition(filename: str) -> str:
    ascii_name = ascii_filename(filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def url_slug(title: str) -> str:
    """AO3's download slug: "The Idol" -> "The_Idol"."""
    slug = _NOT_SLUG.sub("_", _fold_to_ascii(title)).strip("_")
    return slug[:MAX_NAME_LENGTH].rstrip("_") or "work"


def _fold_to_ascii(text: str) -> str:
    # "Pokémon" -> "Pokemon"; letters with no ASCII form are dropped.
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii")


def _safe(text: str) -> str:
    text = _UNSAFE.sub(" ", text)
    # A leading dot hides a file on Unix; trailing dots and spaces vanish on Windows.
    return " ".join(text.split()).strip(". ")


def _shorten(name: str) -> str:
    if len(name) <= MAX_NAME_LENGTH:
        return name
    cut = name[:MAX_NAME_LENGTH]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).strip(". ,-")
