"""The "ao3-text" importer: the text a reader gets by selecting and copying an AO3 work page."""

from __future__ import annotations

import contextlib
import datetime
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ficshelf.importers import ao3_text
from ficshelf.importers.base import ImportedSeriesPart, ImportedWork, ImportFailed, ImportRefused
from tests.fixtures_path import fixture

SAMPLES = Path(__file__).resolve().parent / "samples" / "text"
SEED = "seed/000_54b7f5ba612c50cc.txt"


def paragraphs(html: str) -> list[str]:
    return re.findall(r"<p[^>]*>(.*?)</p>", html, flags=re.S)


def scene_breaks(html: str) -> list[str]:
    return re.findall(r'<p class="scene-break">(.*?)</p>', html)


def one_shot(text: str, *, preface: str = "Work Header\n\nA Title\n\nSomeone\n\n") -> str:
    """A minimal one-chapter copy around the given work text."""
    return f"{preface}Work Text:\n\n{text}\n"


@pytest.fixture(scope="module")
def seed() -> ImportedWork:
    return ao3_text.parse(fixture(SEED))


@pytest.fixture(scope="module")
def multichapter() -> ImportedWork:
    return ao3_text.parse(SAMPLES / "multichapter_entire_work.txt")


@pytest.fixture(scope="module")
def run_together() -> ImportedWork:
    return ao3_text.parse(SAMPLES / "wip_tags_run_together.txt")


# --- the seed, "The Idol" -----------------------------------------------------------------


def test_seed_is_recognised_as_ao3_text() -> None:
    path = fixture(SEED)
    assert ao3_text.can_parse(path, path.read_bytes()[:65536])


def test_seed_title_is_the_idol(seed: ImportedWork) -> None:
    assert seed.title == "The Idol"


def test_seed_is_marked_as_ao3_text(seed: ImportedWork) -> None:
    assert seed.source_format == "ao3-text"


def test_seed_summary_has_three_paragraphs(seed: ImportedWork) -> None:
    assert paragraphs(seed.summary_html) == [
        "Both exhausted with the world, they came to the small, mountain village of Konoha to die.",
        "Instead, they found each other.",
        "(Retired Special Forces!Kakashi and Pop Idol!Sakura)",
    ]


def test_seed_notes_start_with_the_content_warning_paragraph(seed: ImportedWork) -> None:
    assert paragraphs(seed.notes_html)[0].startswith("CW: suicide ideation, suicidal thoughts")


def test_seed_glossary_is_one_paragraph_with_a_line_per_term(seed: ImportedWork) -> None:
    glossary = paragraphs(seed.notes_html)[1].split("<br />\n")
    assert glossary == [
        "Terms to Know:",
        "Special operations forces (SOF)",
        "Officer candidate school (OCS)",
        "High altitude, low opening jump (HALO jump)",
        "Traumatic brain injury (TBI)",
        "Post-traumatic stress disorder (PTSD)",
        "Repeated blast exposure (RBE)",
        "Pararescue specialist (PJ)",
        "Casualty notification officer (CNO)",
    ]


def test_seed_end_notes_have_six_paragraphs(seed: ImportedWork) -> None:
    notes = paragraphs(seed.end_notes_html)
    assert len(notes) == 6
    assert notes[0].startswith("This literally started as a ✨little writing exercise✨")
    assert notes[-1] == "Yell at me on tumblr 💕"


def test_seed_end_notes_are_not_part_of_the_text(seed: ImportedWork) -> None:
    text = seed.chapters[0].text_html
    assert paragraphs(text)[-1] == (
        "And that’s when Kakashi thought that living was pretty fucking great."
    )
    assert "Notes:" not in text


def test_seed_is_one_chapter_of_twelve_scenes(seed: ImportedWork) -> None:
    (chapter,) = seed.chapters
    assert len(scene_breaks(chapter.text_html)) == 11
    assert paragraphs(chapter.text_html)[0] == "Kakashi was going to hang himself today."


def test_scene_break_keeps_the_authors_own_characters(seed: ImportedWork) -> None:
    breaks = scene_breaks(seed.chapters[0].text_html)
    assert breaks.count("…..") == 10
    assert breaks.count("….") == 1


def test_prose_line_starting_with_ellipsis_is_not_a_scene_break(seed: ImportedWork) -> None:
    assert "<p>…until he couldn’t handle it anymore.</p>" in seed.chapters[0].text_html


def test_see_the_end_of_the_work_line_is_not_stored(seed: ImportedWork) -> None:
    stored = seed.notes_html + seed.end_notes_html + seed.chapters[0].text_html
    assert "See the end of the work" not in stored


def test_page_chrome_is_not_content(seed: ImportedWork) -> None:
    stored = seed.title + seed.summary_html + seed.notes_html + seed.chapters[0].text_html
    assert "Actions" not in stored
    assert "Work Header" not in stored


def test_seed_without_byline_has_no_creators(seed: ImportedWork) -> None:
    assert seed.creators == []


def test_one_chapter_work_text_without_stats_is_complete_in_one(seed: ImportedWork) -> None:
    assert seed.expected_chapter_count == 1


def test_seed_imports_without_notices(seed: ImportedWork) -> None:
    assert seed.notices == []


# --- the multi-chapter "Entire Work" copy --------------------------------------------------


def test_entire_work_copy_reads_title_and_creators(multichapter: ImportedWork) -> None:
    assert multichapter.title == "The Weather Between Us"
    # "Pseud (user)" is AO3's way of showing a secondary pseud: the pseud is the name.
    assert multichapter.creators == ["inkwell_wren", "Oskar the Lamp"]


def test_entire_work_copy_reads_rating_warnings_and_categories(multichapter: ImportedWork) -> None:
    assert multichapter.rating == "Teen And Up Audiences"
    assert multichapter.warnings == ["Graphic Depictions Of Violence", "Major Character Death"]
    assert multichapter.categories == ["F/M", "Gen"]


def test_entire_work_copy_reads_the_comma_separated_tags(multichapter: ImportedWork) -> None:
    assert multichapter.fandoms == ["Original Work"]
    assert multichapter.relationships == ["Lighthouse Keeper/Cartographer"]
    assert multichapter.characters == [
        "Wren Halloway (Original Character)",
        "Oskar Vell (Original Character)",
        "The Fog",
    ]
    assert multichapter.freeforms == [
        "Slow Burn",
        "Lighthouses",
        "Maps & Mapmaking",
        "Found Family",
    ]


def test_entire_work_copy_reads_language_collections_and_series(
    multichapter: ImportedWork,
) -> None:
    assert multichapter.language == "English"
    assert multichapter.collections == ["Small Press Fest 2024"]
    assert multichapter.series == [ImportedSeriesPart(title="Salt Roads", position=2)]


def test_entire_work_copy_reads_the_dates(multichapter: ImportedWork) -> None:
    assert multichapter.published_on == datetime.date(2024, 3, 2)
    assert multichapter.completed_on == datetime.date(2024, 4, 20)
    assert multichapter.updated_on is None


def test_chapters_stat_gives_the_expected_chapter_count(multichapter: ImportedWork) -> None:
    assert multichapter.expected_chapter_count == 3


def test_chapter_titles_lose_their_chapter_number_prefix(multichapter: ImportedWork) -> None:
    assert [chapter.title for chapter in multichapter.chapters] == ["Low Tide", "", "High Water"]


def test_chapter_summary_and_notes_belong_to_their_chapter(multichapter: ImportedWork) -> None:
    first = multichapter.chapters[0]
    assert first.summary_html == "<p>Wren arrives with three pencils and no patience.</p>"
    assert "short flashback" in first.notes_html


def test_plain_text_is_html_escaped(multichapter: ImportedWork) -> None:
    assert multichapter.chapters[0].notes_html == (
        "<p>This chapter has a &lt;very&gt; short flashback &amp; a hand-drawn map.</p>"
    )


def test_chapter_end_notes_are_split_from_the_chapter_text(multichapter: ImportedWork) -> None:
    first = multichapter.chapters[0]
    assert first.end_notes_html == "<p>The map in this chapter is real, more or less.</p>"
    assert "real, more or less" not in first.text_html


def test_chapter_with_only_end_notes_has_no_beginning_notes(multichapter: ImportedWork) -> None:
    second = multichapter.chapters[1]
    assert second.notes_html == ""
    assert second.end_notes_html == "<p>Chapter two was the hardest to write.</p>"


def test_last_chapter_end_notes_come_before_the_work_end_notes(multichapter: ImportedWork) -> None:
    assert multichapter.chapters[2].end_notes_html == "<p>Chapter three end note.</p>"
    assert paragraphs(multichapter.end_notes_html) == [
        "Thank you for reading all the way to the lamp.",
        "Come say hello.",
    ]


def test_chapter_heading_like_line_in_prose_stays_text(multichapter: ImportedWork) -> None:
    assert "<p>Chapter 9</p>" in multichapter.chapters[1].text_html


def test_other_scene_break_marks_are_scene_breaks(multichapter: ImportedWork) -> None:
    assert scene_breaks(multichapter.chapters[0].text_html) == ["* * *"]


def test_page_footer_after_the_work_is_dropped(multichapter: ImportedWork) -> None:
    stored = multichapter.end_notes_html + multichapter.chapters[-1].text_html
    assert "Series this work belongs to" not in stored
    assert "left kudos" not in stored


def test_see_the_end_of_the_chapter_lines_are_not_stored(multichapter: ImportedWork) -> None:
    for chapter in multichapter.chapters:
        assert "See the end" not in chapter.notes_html + chapter.end_notes_html


def test_gift_line_becomes_a_gift_recipient(multichapter: ImportedWork) -> None:
    assert multichapter.gift_recipients == ["harbourlight"]
    assert "For harbourlight" not in multichapter.notes_html
    assert any("gift to harbourlight" in notice for notice in multichapter.notices)


def test_dedication_in_the_authors_words_is_not_a_gift() -> None:
    text = one_shot("Text.", preface="A Title\n\nNotes:\n\nFor my sister.\n\n")
    work = ao3_text.parse_text(text)
    assert work.gift_recipients == []
    assert work.notes_html == "<p>For my sister.</p>"


# --- tags pasted without separators ---------------------------------------------------------


def test_run_together_tags_are_kept_as_one_tag(run_together: ImportedWork) -> None:
    assert run_together.freeforms == ["Angst with a Happy EndingHurt/ComfortSlow Burn"]


def test_run_together_tags_get_a_notice_naming_the_field(run_together: ImportedWork) -> None:
    (notice,) = [n for n in run_together.notices if n.startswith("Additional Tags:")]
    assert "without separators" in notice
    assert "kept as one tag" in notice


def test_run_together_character_tags_are_noticed_at_a_closing_parenthesis(
    run_together: ImportedWork,
) -> None:
    assert any(notice.startswith("Character:") for notice in run_together.notices)


def test_comma_separated_tags_get_no_run_together_notice(multichapter: ImportedWork) -> None:
    assert not any("without separators" in notice for notice in multichapter.notices)


def test_single_tag_with_inner_capitals_gets_no_notice() -> None:
    work = ao3_text.parse_text(
        "Work Header\n\nCharacters:\nMinerva McGonagall\nStats:\nWords:\n3\n\n"
        + one_shot("Text.", preface="A Title\n\n")
    )
    assert work.characters == ["Minerva McGonagall"]
    assert work.notices == []


def test_run_together_warnings_are_split_by_ao3s_fixed_names(run_together: ImportedWork) -> None:
    assert run_together.warnings == [
        "Creator Chose Not To Use Archive Warnings",
        "Major Character Death",
    ]


def test_run_together_categories_are_split_by_ao3s_fixed_names(run_together: ImportedWork) -> None:
    assert run_together.categories == ["M/M", "Multi"]


def test_tag_values_on_the_label_line_are_read(run_together: ImportedWork) -> None:
    assert run_together.rating == "Mature"
    assert run_together.relationships == ["Baker/Night Courier"]
    assert run_together.language == "English"


def test_stats_on_one_line_are_read(run_together: ImportedWork) -> None:
    assert run_together.published_on == datetime.date(2023, 11, 5)
    assert run_together.updated_on == datetime.date(2024, 1, 14)


def test_unknown_chapter_total_gives_no_expected_count(run_together: ImportedWork) -> None:
    assert run_together.expected_chapter_count is None
    assert len(run_together.chapters) == 2


def test_byline_with_and_is_read_as_two_creators_with_a_notice(run_together: ImportedWork) -> None:
    assert run_together.creators == ["Ada", "Tomas"]
    assert any("read as 2 creators" in notice for notice in run_together.notices)


# --- shapes of text -----------------------------------------------------------------------


def test_lines_without_blank_lines_between_become_paragraphs_each() -> None:
    work = ao3_text.parse_text(one_shot("First line.\nSecond line.\nThird line."))
    assert paragraphs(work.chapters[0].text_html) == ["First line.", "Second line.", "Third line."]


def test_lone_ellipsis_line_is_prose_not_a_scene_break() -> None:
    work = ao3_text.parse_text(one_shot("He waited.\n\n…\n\nShe said nothing."))
    assert scene_breaks(work.chapters[0].text_html) == []


def test_copy_of_one_chapter_says_the_other_chapters_are_missing() -> None:
    text = (
        "Work Header\n\nStats:\nChapters:\n3/3\n\nA Title\n\n"
        "Chapter 2: Middle\n\nChapter Text\n\nOnly the middle.\n"
    )
    work = ao3_text.parse_text(text)
    assert [chapter.title for chapter in work.chapters] == ["Middle"]
    assert any("3 chapters are posted but the copy holds 1" in n for n in work.notices)


def test_copy_of_an_earlier_chapter_keeps_its_end_notes_on_the_chapter() -> None:
    # The work preface points to work end notes, but AO3 prints those after the last
    # chapter only, so the one "Notes:" after chapter 1 of 3 is chapter 1's.
    text = (
        "Work Header\n\nStats:\nChapters:\n3/3\n\nA Title\n\nNotes:\n\nWork notes.\n\n"
        "(See the end of the work for more notes.)\n\nChapter 1: First\n\nNotes:\n\n"
        "(See the end of the chapter for notes.)\n\nChapter Text\n\nThe text.\n\n"
        "Notes:\n\nAbout chapter one.\n"
    )
    work = ao3_text.parse_text(text)
    assert work.chapters[0].end_notes_html == "<p>About chapter one.</p>"
    assert work.end_notes_html == ""


def test_anonymous_byline_gives_no_creators() -> None:
    work = ao3_text.parse_text(one_shot("Text.", preface="A Title\n\nAnonymous\n\n"))
    assert work.creators == []


# --- bad input ----------------------------------------------------------------------------


def test_text_without_work_text_landmark_is_refused_as_not_a_work_page_copy() -> None:
    with pytest.raises(ImportFailed, match="does not look like an AO3 work page copy"):
        ao3_text.parse_text("A Title\n\nSummary:\n\nJust a summary.\n")


def test_empty_text_fails_with_a_message() -> None:
    with pytest.raises(ImportFailed, match="empty"):
        ao3_text.parse_text("\n \n\u200b\n")


def test_copy_without_a_title_fails_with_a_message() -> None:
    with pytest.raises(ImportFailed, match="no title"):
        ao3_text.parse_text("Work Header\n\nSummary:\n\nA summary.\n\nWork Text:\n\nText.\n")


def test_copy_without_text_fails_with_a_message() -> None:
    with pytest.raises(ImportFailed, match="no text"):
        ao3_text.parse_text("A Title\n\nWork Text:\n\n")


def test_adult_content_warning_page_is_refused() -> None:
    page = (
        "Adult Content Warning\nThis work could have adult content. If you continue, you have "
        "agreed that you are willing to see such content.\nYes, Continue\nNo, Go Back\n"
    )
    with pytest.raises(ImportRefused, match="Yes, Continue"):
        ao3_text.parse_text(page)


def test_saved_html_page_is_not_read_as_text() -> None:
    with pytest.raises(ImportFailed, match="HTML"):
        ao3_text.parse_text("<!DOCTYPE html>\n<html><body>Work Text:</body></html>")


def test_file_that_is_not_utf8_fails_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Work Text:\n\nCaf\xe9 au lait.\n".encode("latin-1"))
    with pytest.raises(ImportFailed, match="not UTF-8"):
        ao3_text.parse(path)


def test_missing_file_fails_with_a_message(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="cannot read"):
        ao3_text.parse(tmp_path / "gone.txt")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "",
                "Work Header",
                "Work Text:",
                "Chapter Text",
                "Chapter 1: A",
                "Chapter 2",
                "Summary:",
                "Notes:",
                "(See the end of the work for more notes.)",
                "(See the end of the chapter for notes.)",
                "Rating:",
                "Explicit",
                "Stats:",
                "Chapters:",
                "2/?",
                "Published: 2023-02-30",
                "Series: Part 2 of",
                "For .",
                "by and",
                "Actions",
                "…..",
                "Prose & <stuff>",
            ]
        )
        | st.text(max_size=12),
        max_size=30,
    )
)
def test_any_text_either_parses_or_fails_with_import_failed(lines: list[str]) -> None:
    with contextlib.suppress(ImportFailed):
        ao3_text.parse_text("\n".join(lines))


# --- sniffing -----------------------------------------------------------------------------


def test_can_parse_recognises_an_entire_work_copy() -> None:
    path = SAMPLES / "multichapter_entire_work.txt"
    assert ao3_text.can_parse(path, path.read_bytes())


def test_can_parse_accepts_a_head_cut_inside_a_character() -> None:
    head = "Work Text:\n\nCafé".encode()[:-1]
    assert ao3_text.can_parse(Path("x.txt"), head)


def test_can_parse_rejects_plain_text_without_landmarks() -> None:
    assert not ao3_text.can_parse(Path("x.txt"), b"Summary:\n\nJust some notes.\n")


def test_can_parse_rejects_html() -> None:
    head = b"<!DOCTYPE html>\n<html><body><h3>Work Text:</h3>\nWork Text:\n</body></html>"
    assert not ao3_text.can_parse(Path("x.html"), head)


def test_can_parse_rejects_binary_files() -> None:
    assert not ao3_text.can_parse(Path("x.epub"), b"PK\x03\x04\x00\x00Work Text:\n")


def test_can_parse_rejects_text_that_is_not_utf8() -> None:
    assert not ao3_text.can_parse(Path("x.txt"), "Work Text:\n\nCaf\xe9 au lait\n".encode("cp1252"))
