"""AO3 "Download -> HTML" importer: own samples first, then the shared real downloads."""

from __future__ import annotations

import datetime
import pathlib

import pytest

from ficshelf.importers import ao3_download
from ficshelf.importers.ao3_download import parse_download_html
from ficshelf.importers.base import ImportedWork, ImportFailed
from tests.fixtures_path import fixture

SAMPLES = pathlib.Path(__file__).parent / "samples" / "html"


def sample(name: str) -> ImportedWork:
    return ao3_download.parse(SAMPLES / name)


@pytest.fixture(scope="module")
def wip() -> ImportedWork:
    return sample("download_2ch_wip_2026.html")


@pytest.fixture(scope="module")
def oneshot() -> ImportedWork:
    return sample("download_1ch_genA.html")


# --- work-level fields ------------------------------------------------------------------


def test_title_comes_from_the_preface_heading(wip: ImportedWork) -> None:
    assert wip.title == "The Lighthouse Keeper's Ledger"


def test_creators_keep_the_pseud_and_drop_the_user_in_parentheses(wip: ImportedWork) -> None:
    assert wip.creators == ["Wren Marlow", "orphan_account"]


def test_author_of_an_inspiring_work_in_the_preface_is_not_a_creator(wip: ImportedWork) -> None:
    assert "quill" not in wip.creators


def test_plural_tag_labels_fill_every_tag_field(wip: ImportedWork) -> None:
    assert wip.rating == "Mature"
    assert wip.warnings == ["Graphic Depictions Of Violence", "Major Character Death"]
    assert wip.categories == ["Gen", "F/F"]
    assert wip.fandoms == ["Tidewatch (Invented Novels)", "Saltmarsh Chronicles"]
    assert wip.relationships == ["Ada Fenn/Ilse Varro", "Ada Fenn & Tomas Reed"]
    assert wip.characters == ["Ada Fenn", "Ilse Varro", "Tomas Reed"]
    assert wip.freeforms == ["Lighthouses", "Storms"]
    assert wip.language == "English"


def test_singular_tag_labels_of_older_downloads_are_read(oneshot: ImportedWork) -> None:
    assert oneshot.warnings == ["No Archive Warnings Apply"]
    assert oneshot.categories == ["Gen"]
    assert oneshot.fandoms == ["Riverside Tales"]
    assert oneshot.characters == ["Pim"]


def test_every_series_keeps_its_part_number_and_address(wip: ImportedWork) -> None:
    assert [(s.title, s.position, s.source_url) for s in wip.series] == [
        ("Coastal Lights", 2, "https://archiveofourown.org/series/7001"),
        ("Weather Stories", 5, "https://archiveofourown.org/series/7002"),
    ]


def test_collections_are_listed_by_title(wip: ImportedWork) -> None:
    assert wip.collections == ["Sea Week 2025", "Storm Fest"]


def test_work_in_progress_has_updated_date_and_unknown_expected_count(wip: ImportedWork) -> None:
    assert wip.published_on == datetime.date(2025, 3, 1)
    assert wip.updated_on == datetime.date(2025, 11, 20)
    assert wip.completed_on is None
    assert wip.expected_chapter_count is None


def test_finished_work_has_completed_date_and_expected_count(oneshot: ImportedWork) -> None:
    assert oneshot.completed_on == datetime.date(2022, 2, 23)
    assert oneshot.expected_chapter_count == 1


def test_summary_and_notes_are_the_inner_html_of_their_blockquotes(wip: ImportedWork) -> None:
    assert wip.summary_html == "<p>A keeper counts ships that never arrive.</p>"
    assert wip.notes_html == "<p>Written for a <em>prompt</em> about tides.</p>"


def test_see_the_end_of_the_work_link_is_not_part_of_the_notes(wip: ImportedWork) -> None:
    assert "See the end" not in wip.notes_html


def test_work_end_notes_leave_out_works_inspired_by_this_one(wip: ImportedWork) -> None:
    assert wip.end_notes_html == "<p>Thanks for reading.</p>"


def test_http_source_url_is_normalised_to_https(oneshot: ImportedWork) -> None:
    assert oneshot.source_url == "https://archiveofourown.org/works/900010"


def test_source_format_is_ao3_html(wip: ImportedWork) -> None:
    assert wip.source_format == "ao3-html"


def test_work_without_summary_or_notes_has_empty_html(oneshot: ImportedWork) -> None:
    assert (oneshot.summary_html, oneshot.notes_html, oneshot.end_notes_html) == ("", "", "")


# --- chapters ---------------------------------------------------------------------------


def test_chapter_heading_loses_its_chapter_number_prefix(wip: ImportedWork) -> None:
    assert wip.chapters[0].title == "Low Tide"


def test_chapter_heading_with_only_a_number_means_an_untitled_chapter(wip: ImportedWork) -> None:
    assert wip.chapters[1].title == ""


def test_chapter_summary_and_notes_belong_to_their_chapter(wip: ImportedWork) -> None:
    assert wip.chapters[0].summary_html == "<p>The ledger is opened.</p>"
    assert wip.chapters[0].notes_html == "<p>Short one.</p>"
    assert wip.chapters[1].notes_html == ""


def test_chapter_end_notes_belong_to_their_chapter(wip: ImportedWork) -> None:
    assert wip.chapters[0].end_notes_html == ""
    assert wip.chapters[1].end_notes_html == "<p>More soon.</p>"


def test_chapter_text_is_the_inner_html_of_the_userstuff(wip: ImportedWork) -> None:
    assert wip.chapters[0].text_html == (
        "<p>The first entry was written in <i>salt-stained</i> ink.</p><p>Nobody read it.</p>"
    )


def test_one_chapter_download_has_one_untitled_chapter(oneshot: ImportedWork) -> None:
    assert len(oneshot.chapters) == 1
    assert oneshot.chapters[0].title == ""
    assert oneshot.chapters[0].text_html.startswith("<p>Pim folded a boat")


def test_fewer_chapters_than_the_stats_say_is_noted() -> None:
    html = (SAMPLES / "download_2ch_wip_2026.html").read_text(encoding="utf-8")
    work = parse_download_html(html.replace("Chapters: 2/?", "Chapters: 4/?"))
    assert work.notices == ["AO3 says 4 chapters are posted but the file holds 2"]


# --- EPUB content (the EPUB importer passes calibre's XHTML files, concatenated) -------


def _xhtml(body: str) -> str:
    return (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head>'
        f'<body class="calibre">{body}</body></html>\n'
    )


CALIBRE_PARTS = [
    _xhtml(
        '<div id="preface" class="calibre1"><p class="message"><b>Glass Harbour</b><br/>'
        'Posted originally on the <a href="https://archiveofourown.org/">Archive of Our Own</a>'
        ' at <a href="https://archiveofourown.org/works/900050">here</a>.</p>'
        '<div class="calibre1"><dl class="tags"><dt class="calibre3">Rating:</dt>'
        '<dd class="calibre4"><a href="#">General Audiences</a></dd>'
        '<dt class="calibre3">Stats:</dt><dd class="calibre5">Published: 2024-04-04 '
        "Chapters: 2/2</dd></dl></div></div>"
    ),
    _xhtml(
        '<div id="preface" class="calibre1"><div class="calibre1"><h1>Glass Harbour</h1>'
        '<div class="byline">by <a rel="author" href="#">kestrel</a></div>'
        '<p class="calibre7">Summary</p><blockquote class="userstuff"><p>Clear water.</p>'
        "</blockquote></div></div>"
    ),
    _xhtml(
        '<div class="userstuff1" id="chapters"><div class="calibre1">'
        '<h2 class="heading" id="calibre_toc_3">Chapter 1: Sand</h2></div>'
        '<div class="userstuff2"><p class="calibre7">Grains.</p></div></div>'
    ),
    _xhtml(
        '<div class="userstuff1" id="chapters"><div class="calibre1">'
        '<h2 class="heading">Chapter 2: Glass</h2></div>'
        '<div class="userstuff2"><p>Panes.</p></div>'
        '<div class="calibre1" id="endnotes2"><p class="calibre7">Chapter End Notes</p>'
        '<blockquote class="userstuff"><p>Done.</p></blockquote></div></div>'
        '<div id="afterword" class="calibre1"></div>'
    ),
]


def test_concatenated_calibre_xhtml_files_read_like_one_download() -> None:
    work = parse_download_html("".join(CALIBRE_PARTS))
    assert (work.title, work.creators, work.rating) == (
        "Glass Harbour",
        ["kestrel"],
        "General Audiences",
    )
    assert work.summary_html == "<p>Clear water.</p>"
    assert [chapter.title for chapter in work.chapters] == ["Sand", "Glass"]
    assert work.chapters[1].end_notes_html == "<p>Done.</p>"
    assert work.source_url == "https://archiveofourown.org/works/900050"


def test_calibre_renamed_userstuff_classes_still_mark_chapter_text() -> None:
    work = parse_download_html("".join(CALIBRE_PARTS))
    assert work.chapters[0].text_html == '<p class="calibre7">Grains.</p>'


# --- sniffing and bad input -------------------------------------------------------------


def test_can_parse_recognises_a_download() -> None:
    head = (SAMPLES / "download_1ch_genA.html").read_bytes()[:65536]
    assert ao3_download.can_parse(SAMPLES / "download_1ch_genA.html", head)


def test_can_parse_leaves_work_pages_alone() -> None:
    path = SAMPLES / "workpage_full_2ch_fragment.html"
    assert not ao3_download.can_parse(path, path.read_bytes()[:65536])


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_empty_input_fails_with_a_message(text: str) -> None:
    with pytest.raises(ImportFailed, match="empty"):
        parse_download_html(text)


def test_html_that_is_not_a_download_fails_with_a_message() -> None:
    with pytest.raises(ImportFailed, match="not an AO3 HTML download"):
        parse_download_html("<html><body><p>Hello</p></body></html>")


def test_download_without_any_chapter_text_fails_with_a_message() -> None:
    with pytest.raises(ImportFailed, match="no chapter text"):
        parse_download_html('<div id="preface"><h1>Only a title</h1></div>')


def test_binary_garbage_fails_with_import_failed(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "garbage.html"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(ImportFailed):
        ao3_download.parse(path)


def test_missing_file_fails_with_import_failed(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ImportFailed, match="cannot read"):
        ao3_download.parse(tmp_path / "nowhere.html")


# --- the shared real downloads ----------------------------------------------------------


def real(name: str) -> ImportedWork:
    return ao3_download.parse(fixture(f"ao3/download-html/{name}"))


@pytest.mark.parametrize(
    ("name", "title_start", "creators", "rating", "chapter_count", "expected"),
    [
        ("ao3dl_218676_3ch_wip_2026-07.html", "Fire and Feather", ["nianeyna"],
         "General Audiences", 3, None),
        ("ao3dl_22961215_13ch_original-of-39565956_genA.html", "Speaking In Tongues",
         ["natsinator"], "Teen And Up Audiences", 13, 13),
        ("ao3dl_23009290_1ch_2026-07.html", "My Aim Is Steady", ["nianeyna"],
         "Teen And Up Audiences", 1, 1),
        ("ao3dl_29811993_3ch_genA.html", "Keep the Home Fires", ["natsinator"],
         "Teen And Up Audiences", 3, 3),
        ("ao3dl_334557_8ch_series_inspired-by_2026-07.html", "The World on His Wrist",
         ["bendingsignpost"], "Teen And Up Audiences", 8, 8),
        ("ao3dl_35152225_1ch_series-part1_genA.html", "A Funeral Shroud for Laertes",
         ["natsinator"], "General Audiences", 1, 1),
        ("ao3dl_37317859_1ch_completed-date_genA.html", "First as Farce", ["natsinator"],
         "Teen And Up Audiences", 1, 1),
        ("ao3dl_39565956_13ch_zh_genA.html", "谵言隐语", ["ChiefAccelerator"],
         "Teen And Up Audiences", 13, 13),
        ("ao3dl_41442183_1ch_genA.html", "Will the Real Mr. Bronner", ["natsinator"],
         "General Audiences", 1, 1),
        ("ao3dl_41588007_v1_2of2_genA.html", "And the Big Wheel", ["natsinator"],
         "Explicit", 2, 2),
        ("ao3dl_41588007_v2_3of3_genB.html", "And the Big Wheel", ["natsinator"],
         "Explicit", 3, 3),
        ("ao3dl_47409136_2ch_genA.html", "The World In Its Circular Way", ["natsinator"],
         "General Audiences", 2, 2),
        ("ao3dl_47657656_3ch_wip_genB.html", "Those Few Who", ["natsinator"],
         "Not Rated", 3, None),
    ],
)  # fmt: skip
def test_real_download_gives_title_creators_rating_and_chapters(
    name: str,
    title_start: str,
    creators: list[str],
    rating: str,
    chapter_count: int,
    expected: int | None,
) -> None:
    work = real(name)
    assert work.title.startswith(title_start)
    assert work.creators == creators
    assert work.rating == rating
    assert len(work.chapters) == chapter_count
    assert work.expected_chapter_count == expected
    assert all(chapter.text_html for chapter in work.chapters)
    assert work.notices == []


def test_translation_credits_the_translator_not_the_original_author() -> None:
    work = real("ao3dl_39565956_13ch_zh_genA.html")
    assert work.creators == ["ChiefAccelerator"]
    assert "natsinator" not in work.creators


def test_translation_keeps_language_and_series_as_ao3_shows_them() -> None:
    work = real("ao3dl_39565956_13ch_zh_genA.html")
    assert work.language == "中文-普通话 國語"
    assert [(s.title, s.position) for s in work.series] == [("【授翻】轮中之轮", 1)]
    assert work.completed_on == datetime.date(2022, 7, 24)


def test_two_downloads_of_one_work_share_a_source_url() -> None:
    older = real("ao3dl_41588007_v1_2of2_genA.html")
    newer = real("ao3dl_41588007_v2_3of3_genB.html")
    assert older.source_url == newer.source_url == "https://archiveofourown.org/works/41588007"
    assert (len(older.chapters), len(newer.chapters)) == (2, 3)


def test_genb_plural_labels_and_two_warnings_are_read() -> None:
    work = real("ao3dl_47657656_3ch_wip_genB.html")
    assert work.warnings == ["Creator Chose Not To Use Archive Warnings", "Major Character Death"]
    assert work.updated_on == datetime.date(2023, 9, 26)


def test_real_chapter_end_notes_stay_with_their_chapter() -> None:
    work = real("ao3dl_47657656_3ch_wip_genB.html")
    assert [bool(chapter.end_notes_html) for chapter in work.chapters] == [False, True, False]
    assert work.chapters[1].end_notes_html.startswith("<p>")


def test_works_inspired_by_this_one_do_not_leak_into_end_notes() -> None:
    work = real("ao3dl_334557_8ch_series_inspired-by_2026-07.html")
    assert work.end_notes_html == ""
    assert all("orphan_account" not in chapter.end_notes_html for chapter in work.chapters)


def test_translation_into_another_language_does_not_add_a_creator() -> None:
    work = real("ao3dl_334557_8ch_series_inspired-by_2026-07.html")
    assert work.creators == ["bendingsignpost"]


def test_2026_headings_give_titles_and_an_untitled_chapter() -> None:
    work = real("ao3dl_334557_8ch_series_inspired-by_2026-07.html")
    assert [chapter.title for chapter in work.chapters[:3]] == ["Prologue", "", "Part 2"]


def test_real_series_and_singular_categories_of_2026_download() -> None:
    work = real("ao3dl_334557_8ch_series_inspired-by_2026-07.html")
    assert work.categories == ["F/M", "M/M"]
    assert [(s.title, s.position, s.source_url) for s in work.series] == [
        ("Watches 'Verse", 1, "https://archiveofourown.org/series/15213")
    ]


def test_work_notes_end_notes_and_chapter_notes_of_a_wip() -> None:
    work = real("ao3dl_218676_3ch_wip_2026-07.html")
    assert work.notes_html.startswith("<p>")
    assert work.end_notes_html.startswith("<p>")
    assert work.end_notes_html != work.notes_html
    assert work.chapters[1].notes_html.startswith("<p>")
    assert work.chapters[2].notes_html == ""
    assert [chapter.title for chapter in work.chapters] == [
        "Festival",
        "Riversong K'Vala",
        "Conversations",
    ]


def test_genA_chapter_titles_are_kept_whole() -> None:
    work = real("ao3dl_29811993_3ch_genA.html")
    assert work.chapters[0].title == "With Your Grandfather in the Ground"
    assert "Oskar von Reuenthal/Yang Wenli" in work.relationships


def test_completed_date_of_a_one_chapter_work() -> None:
    work = real("ao3dl_37317859_1ch_completed-date_genA.html")
    assert work.published_on == datetime.date(2022, 2, 22)
    assert work.completed_on == datetime.date(2022, 2, 23)


def test_series_part_one_without_summary() -> None:
    work = real("ao3dl_35152225_1ch_series-part1_genA.html")
    assert work.summary_html == ""
    assert [(s.title, s.position) for s in work.series] == [("A Wheel Inside a Wheel", 1)]


def test_collection_of_an_exchange_work() -> None:
    work = real("ao3dl_47409136_2ch_genA.html")
    assert work.collections == ["New Constellations 2023 - A LOGH Rarepair Exchange"]


def test_chapter_summaries_of_a_real_download() -> None:
    work = real("ao3dl_41588007_v2_3of3_genB.html")
    assert work.chapters[0].summary_html.startswith("<p>")
    assert work.chapters[2].summary_html == ""
