"""The seed, "The Idol", downloaded in every format keeps what makes it readable safely:
its content warnings, its glossary, its twelve scenes and its end notes."""

from __future__ import annotations

import re

import pytest

from tests.downloads.conftest import epub_text

SCENE_BREAK_LINE = re.compile(r"^[.…]+$", re.MULTILINE)
GLOSSARY_TERMS = ["(SOF)", "(OCS)", "(HALO jump)", "(TBI)", "(PTSD)", "(RBE)", "(PJ)", "(CNO)"]

# The seed fixtures need the test database even when no test in the module asks for it.
pytestmark = pytest.mark.django_db


def readable_text(files: dict[str, bytes], extension: str) -> str:
    if extension == "epub":
        return epub_text(files["epub"])
    return files[extension].decode()


@pytest.mark.parametrize("extension", ["html", "epub", "txt"])
def test_seed_download_keeps_the_content_warning_line(
    seed_downloads: dict[str, bytes], extension: str
) -> None:
    text = readable_text(seed_downloads, extension)
    assert "CW: suicide ideation, suicidal thoughts, mental health issues" in text


@pytest.mark.parametrize("extension", ["html", "epub", "txt"])
def test_seed_download_keeps_the_glossary(seed_downloads: dict[str, bytes], extension: str) -> None:
    text = readable_text(seed_downloads, extension)
    assert "Terms to Know" in text
    for term in GLOSSARY_TERMS:
        assert term in text


@pytest.mark.parametrize("extension", ["html", "epub"])
def test_seed_markup_download_keeps_eleven_scene_breaks(
    seed_downloads: dict[str, bytes], extension: str
) -> None:
    text = readable_text(seed_downloads, extension)
    assert text.count('<p class="scene-break">') == 11


def test_seed_text_download_keeps_eleven_scene_breaks_as_their_characters(
    seed_downloads: dict[str, bytes],
) -> None:
    lines = SCENE_BREAK_LINE.findall(seed_downloads["txt"].decode())
    assert len(lines) == 11
    assert set(lines) == {"…..", "…."}


def test_seed_text_download_keeps_the_prose_ellipsis_as_prose(
    seed_downloads: dict[str, bytes],
) -> None:
    assert "\n…until he couldn’t handle it anymore.\n" in seed_downloads["txt"].decode()


@pytest.mark.parametrize("extension", ["html", "epub", "txt"])
def test_seed_download_points_to_and_keeps_the_end_notes(
    seed_downloads: dict[str, bytes], extension: str
) -> None:
    text = readable_text(seed_downloads, extension)
    notes_pointer = re.sub(r"<[^>]+>", "", text)
    assert "(See the end of the work for more notes.)" in notes_pointer
    assert "End Notes" in text
    assert "This literally started as a ✨little writing exercise✨" in text
    assert "Yell at me on tumblr 💕" in text


@pytest.mark.parametrize("extension", ["html", "epub", "txt"])
def test_seed_download_carries_title_byline_and_rating(
    seed_downloads: dict[str, bytes], extension: str
) -> None:
    text = readable_text(seed_downloads, extension)
    assert "The Idol" in text
    assert "seedwriter" in text
    assert "Explicit" in text
