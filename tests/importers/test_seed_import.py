"""The seed, "The Idol", goes in whole: every part the issue names, counted."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from ficshelf.works.models import Work
from tests.fixtures_path import fixture

pytestmark = pytest.mark.django_db

SEED = "seed/000_54b7f5ba612c50cc.txt"


@pytest.fixture
def seed_work() -> Work:
    call_command("import", str(fixture(SEED)), "--as", "seedreader", "--rating", "Explicit",
                 "--no-progress",
                 stdout=io.StringIO())  # fmt: skip
    return Work.objects.get()


def paragraphs(html: str) -> list[str]:
    return re.findall(r"<p[^>]*>(.*?)</p>", html, flags=re.S)


def test_seed_keeps_its_title_and_three_summary_paragraphs(seed_work: Work) -> None:
    assert seed_work.title == "The Idol"
    assert len(paragraphs(seed_work.summary)) == 3


def test_seed_notes_keep_the_content_warning_and_the_glossary(seed_work: Work) -> None:
    notes = seed_work.notes
    assert "CW: suicide ideation" in notes
    assert "Terms to Know" in notes
    for term in ["(SOF)", "(OCS)", "(HALO jump)", "(TBI)", "(PTSD)", "(RBE)", "(PJ)", "(CNO)"]:
        assert term in notes


def test_seed_text_has_twelve_scenes_and_keeps_the_prose_ellipsis(seed_work: Work) -> None:
    (chapter,) = seed_work.chapters.all()
    assert chapter.text.count('class="scene-break"') == 11
    assert "<p>…until he couldn’t handle it anymore.</p>" in chapter.text


def test_seed_end_notes_have_six_paragraphs(seed_work: Work) -> None:
    assert len(paragraphs(seed_work.end_notes)) == 6


def test_seed_word_count_is_close_to_ao3s(seed_work: Work) -> None:
    # AO3 shows about 13,070 words for the seed; the copy-paste text may differ by a few.
    assert abs(seed_work.word_count - 13_070) <= 60


def test_seed_is_credited_to_the_as_pseud_with_the_given_rating(seed_work: Work) -> None:
    assert seed_work.creatorships.get().pseud.name == "seedreader"
    assert seed_work.rating is not None and seed_work.rating.name == "Explicit"
    assert seed_work.needs_adult_notice
