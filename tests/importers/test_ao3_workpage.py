"""Saved AO3 work page importer: own samples first, then the shared real pages."""

from __future__ import annotations

import datetime
import pathlib

import pytest

from ficshelf.importers import ao3_workpage
from ficshelf.importers.ao3_workpage import parse_workpage_html
from ficshelf.importers.base import ImportedWork, ImportFailed, ImportRefused
from tests.fixtures_path import fixture

SAMPLES = pathlib.Path(__file__).parent / "samples" / "html"


def sample(name: str) -> ImportedWork:
    return ao3_workpage.parse(SAMPLES / name)


def sample_text(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def head_of(path: pathlib.Path) -> bytes:
    return path.read_bytes()[:65536]


@pytest.fixture(scope="module")
def full() -> ImportedWork:
    return sample("workpage_full_2ch_fragment.html")


@pytest.fixture(scope="module")
def chapter_view() -> ImportedWork:
    return sample("workpage_chapter2of3_view.html")


# --- a whole work saved as a body fragment ----------------------------------------------


def test_body_fragment_starting_at_outer_is_read(full: ImportedWork) -> None:
    assert full.title == "Night Ferry"
    assert full.creators == ["tern"]


def test_tags_are_read_from_the_work_meta_list(full: ImportedWork) -> None:
    assert full.rating == "Explicit"
    assert full.warnings == ["Creator Chose Not To Use Archive Warnings"]
    assert full.categories == ["M/M"]
    assert full.fandoms == ["Harbour Town (Invented Show)"]
    assert full.relationships == ["Nico Bell/Oren Shaw"]
    assert full.characters == ["Nico Bell", "Oren Shaw"]
    assert full.freeforms == ["Ferries"]
    assert full.language == "Deutsch"


def test_series_position_is_read_from_part_n_of_the(full: ImportedWork) -> None:
    assert [(s.title, s.position, s.source_url) for s in full.series] == [
        ("Crossings", 3, "https://archiveofourown.org/series/7200")
    ]


def test_collections_are_listed_by_title(full: ImportedWork) -> None:
    assert full.collections == ["Ferry Fest"]


def test_gift_recipient_comes_from_the_for_line(full: ImportedWork) -> None:
    assert full.gift_recipients == ["gull"]


def test_author_of_the_translated_original_is_not_a_creator(full: ImportedWork) -> None:
    assert "other" not in full.creators


def test_stats_give_published_and_completed_dates(full: ImportedWork) -> None:
    assert full.published_on == datetime.date(2019, 5, 1)
    assert full.completed_on == datetime.date(2019, 6, 2)
    assert full.expected_chapter_count == 2


def test_summary_and_notes_are_inner_html_without_the_jump_link(full: ImportedWork) -> None:
    assert full.summary_html == "<p>Two strangers miss the last boat.</p>"
    assert full.notes_html == "<p>Beta: nobody.</p>"


def test_work_end_notes_leave_out_works_inspired_by_this_one(full: ImportedWork) -> None:
    assert full.end_notes_html == "<p>Fin.</p>"


def test_every_chapter_of_a_full_view_is_imported(full: ImportedWork) -> None:
    assert [chapter.title for chapter in full.chapters] == ["Departure", ""]
    assert full.notices == []


def test_chapter_summary_notes_and_end_notes_belong_to_their_chapter(full: ImportedWork) -> None:
    first, second = full.chapters
    assert first.summary_html == "<p>The pier at night.</p>"
    assert first.end_notes_html == "<p>Horns are real.</p>"
    assert second.notes_html == "<p>Last part.</p>"
    assert second.end_notes_html == ""


def test_chapter_text_leaves_out_the_hidden_chapter_text_heading(full: ImportedWork) -> None:
    assert full.chapters[0].text_html == "<p>The horn sounded twice.</p>"


def test_source_url_comes_from_ao3_links_not_links_in_the_text(full: ImportedWork) -> None:
    assert full.source_url == "https://archiveofourown.org/works/900020"


def test_source_format_is_ao3_workpage(full: ImportedWork) -> None:
    assert full.source_format == "ao3-workpage"


# --- one chapter of several -------------------------------------------------------------


def test_chapter_view_imports_the_chapter_it_holds(chapter_view: ImportedWork) -> None:
    assert len(chapter_view.chapters) == 1
    assert chapter_view.chapters[0].text_html == "<p>Snow \\o/ fell.</p>"


def test_chapter_view_notes_that_only_one_chapter_was_in_the_file(
    chapter_view: ImportedWork,
) -> None:
    assert len(chapter_view.notices) == 1
    assert "only chapter 2 of 3 was in the file" in chapter_view.notices[0]


def test_chapter_prefix_is_removed_only_for_the_chapters_own_number(
    chapter_view: ImportedWork,
) -> None:
    assert chapter_view.chapters[0].title == "Chapter 9: Flashback"


def test_chapter_view_source_url_drops_the_chapter_part(chapter_view: ImportedWork) -> None:
    assert chapter_view.source_url == "https://archiveofourown.org/works/900030"


def test_work_in_progress_has_unknown_expected_count(chapter_view: ImportedWork) -> None:
    assert chapter_view.expected_chapter_count is None
    assert chapter_view.updated_on == datetime.date(2024, 2, 11)


# --- the escaped one-line dumps ---------------------------------------------------------


def _as_webview_dump(html: str) -> str:
    return (
        html.replace("\n", "\\n").replace("<script", "<\\script").replace("</script", "<\\/script")
    )


def test_escaped_one_line_dump_is_unescaped_before_parsing() -> None:
    work = parse_workpage_html(_as_webview_dump(sample_text("workpage_chapter2of3_view.html")))
    assert work.title == "Snowline"
    assert work.chapters[0].title == "Chapter 9: Flashback"


def test_backslashes_in_an_ordinary_page_are_left_alone() -> None:
    assert ao3_workpage.unescape_javascript_dump("line\none \\o/\n") == "line\none \\o/\n"


# --- pages that are not a work ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("error_adult_gate.html", "adult-content notice page"),
        ("error_restricted.html", "restricted work seen while logged out"),
        ("error_not_found.html", "'work not found' page"),
        ("error_hidden_by_admin.html", "hidden by an administrator"),
        ("error_retry_later_escaped.html", "'Retry later' rate-limit page"),
        ("error_series_page.html", "series page"),
    ],
)
def test_ao3_page_that_is_not_a_work_is_refused_with_what_it_is(name: str, message: str) -> None:
    with pytest.raises(ImportRefused, match=message):
        sample(name)


def test_adult_notice_refusal_says_how_to_save_the_work() -> None:
    with pytest.raises(ImportRefused, match="after clicking Proceed"):
        sample("error_adult_gate.html")


@pytest.mark.parametrize("text", ["", "  \n"])
def test_empty_input_fails_with_a_message(text: str) -> None:
    with pytest.raises(ImportFailed, match="empty"):
        parse_workpage_html(text)


def test_html_that_is_not_an_ao3_page_fails_with_a_message() -> None:
    with pytest.raises(ImportFailed, match="not an AO3 work page"):
        parse_workpage_html("<html><body><p>Hello</p></body></html>")


def test_download_given_as_a_work_page_fails_with_a_hint() -> None:
    with pytest.raises(ImportFailed, match="import it as ao3-html"):
        parse_workpage_html(sample_text("download_1ch_genA.html"))


def test_work_page_without_chapter_text_fails_with_a_message() -> None:
    with pytest.raises(ImportFailed, match="no chapter text"):
        parse_workpage_html('<div id="workskin"><div id="chapters"></div></div>')


def test_binary_garbage_fails_with_import_failed(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "garbage.html"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(ImportFailed):
        ao3_workpage.parse(path)


# --- sniffing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["workpage_full_2ch_fragment.html", "workpage_chapter2of3_view.html", "error_not_found.html"],
)
def test_can_parse_claims_work_pages_and_ao3_error_pages(name: str) -> None:
    path = SAMPLES / name
    assert ao3_workpage.can_parse(path, head_of(path))


def test_can_parse_leaves_downloads_to_the_download_importer() -> None:
    path = SAMPLES / "download_2ch_wip_2026.html"
    assert not ao3_workpage.can_parse(path, head_of(path))


def test_can_parse_ignores_plain_text(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "work.txt"
    path.write_text("Archive of Our Own\nWork Header\n", encoding="utf-8")
    assert not ao3_workpage.can_parse(path, head_of(path))


# --- the shared real pages --------------------------------------------------------------


def real_path(name: str) -> pathlib.Path:
    return fixture(f"ao3/work-page-html/{name}")


def real(name: str) -> ImportedWork:
    return ao3_workpage.parse(real_path(name))


@pytest.mark.parametrize(
    ("name", "title_start", "creators", "rating", "fandom", "partial"),
    [
        ("workpage_15343806_ch13_wip_resync.html", "A Godfather's Promise", ["TheMetalSage"],
         "Not Rated", "Harry Potter - J. K. Rowling", True),
        ("workpage_18246218_1ch.html", "if i only had a heart", ["thedevilchicken"],
         "Explicit", "Rogue One: A Star Wars Story (2016)", False),
        ("workpage_23009290_noskin_2026.html", "My Aim Is Steady", ["nianeyna"],
         "Teen And Up Audiences", "Final Fantasy XIV", False),
        ("workpage_23477578_1ch_notes.html", "He is ours", ["SWModdy"], "Mature",
         "Star Wars - All Media Types", False),
        ("workpage_29253276_ch1_wip_multifandom.html", "edge of providence",
         ["adiduck", "whimsicalimages"], "Mature", "Star Wars Prequel Trilogy", True),
        ("workpage_310586_ch1of2_chapterview.html", "Open the Door", ["eternalbreath"],
         "Not Rated", "Teen Wolf (TV)", True),
        ("workpage_34804678_ch1of12_resync.html", "More Than Enough", ["Firemione"],
         "Explicit", "Harry Potter - J. K. Rowling", True),
        ("workpage_35336083_1ch_resync.html", "Help me I can't find the fic", ["Damian_4rk"],
         "General Audiences", "Harry Potter - J. K. Rowling", False),
        ("workpage_35386909_1ch_3fandoms.html", "Yer a Wizard, Drizzt", ["Merfilly"],
         "General Audiences", "Forgotten Realms", False),
        ("workpage_38952696_ch1_endnotes_chapterview.html", "New Day Dawning",
         ["IncompleteSentanc"], "Teen And Up Audiences", "Naruto", True),
        ("workpage_41214669_multiple-series_2026.html", "Permablocking Specific Tags",
         ["Eli0t"], "General Audiences", "AO3", True),
        ("workpage_41822007_loggedout_2026.html", "so I open the window", ["oriflamme"],
         "Teen And Up Audiences",
         "The Locked Tomb Series | Gideon the Ninth Series - Tamsyn Muir", False),
        ("workpage_5720104_1ch_multifandom.html", "Alan Rickman", ["manicmea"],
         "General Audiences", "Die Hard (Movies)", False),
        ("workpage_68481_1ch_gift-collection.html", "I Drive Myself Crazy", ["Sidra"],
         "Mature", "Popslash", False),
        ("workpage_688_1ch_in-series.html", "Skipping Stones", ["Sidra"],
         "General Audiences", "Harry Potter - Rowling", False),
        ("workpage_692_ch1of2-wip_chapterview.html", "Time Was, Time Is", ["Sidra"],
         "General Audiences", "Harry Potter - Rowling", True),
        ("workpage_692_ch2of2-wip_chapterview.html", "Time Was, Time Is", ["Sidra"],
         "General Audiences", "Harry Potter - Rowling", True),
        ("workpage_7755808_ch_of41.html", "Complementarity, Entanglement",
         ["Jenrose", "procoffeinating"], "Mature", "Merlin (TV)", True),
    ],
)  # fmt: skip
def test_real_work_page_gives_title_creators_rating_fandom_and_text(
    name: str, title_start: str, creators: list[str], rating: str, fandom: str, partial: bool
) -> None:
    work = real(name)
    assert work.title.startswith(title_start)
    assert work.creators == creators
    assert work.rating == rating
    assert fandom in work.fandoms
    assert len(work.chapters) == 1
    assert work.chapters[0].text_html
    assert bool(work.notices) == partial
    assert work.source_url.startswith("https://archiveofourown.org/works/")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("page_20907563_adult-gate_2026.html", "adult-content notice page"),
        ("page_185710_restricted-loggedout_2026.html", "restricted work seen while logged out"),
        ("page_deleted-work-404_2026.html", "'work not found' page"),
        ("error_retry-later_resync.html", "'Retry later' rate-limit page"),
        ("seriespage_46.html", "series page"),
    ],
)
def test_real_ao3_page_that_is_not_a_work_is_refused(name: str, message: str) -> None:
    with pytest.raises(ImportRefused, match=message):
        real(name)


def test_real_unrevealed_mystery_work_page_is_refused_as_hidden() -> None:
    # Named "hidden-by-admin" in the fixtures, but AO3 shows this page for a challenge work
    # that stays hidden until the challenge reveals it.
    with pytest.raises(ImportRefused, match="'Mystery Work' page"):
        real("page_47308798_hidden-by-admin_2026.html")


@pytest.mark.parametrize(
    "name",
    [
        "page_20907563_adult-gate_2026.html",
        "page_185710_restricted-loggedout_2026.html",
        "page_47308798_hidden-by-admin_2026.html",
        "page_deleted-work-404_2026.html",
        "error_retry-later_resync.html",
        "workpage_35336083_1ch_resync.html",
        "workpage_688_1ch_in-series.html",
    ],
)
def test_can_parse_claims_real_pages_so_errors_get_a_clear_refusal(name: str) -> None:
    path = real_path(name)
    assert ao3_workpage.can_parse(path, head_of(path))


def test_resync_chapter_view_imports_chapter_13_of_23() -> None:
    work = real("workpage_15343806_ch13_wip_resync.html")
    assert work.chapters[0].title == "Evil Fantasies"
    assert "only chapter 13 of 23 was in the file" in work.notices[0]
    assert work.source_url == "https://archiveofourown.org/works/15343806"


def test_resync_dump_has_no_javascript_escapes_left_in_the_text() -> None:
    work = real("workpage_35336083_1ch_resync.html")
    assert "\\n" not in work.chapters[0].text_html
    assert work.summary_html.startswith("<p>")


def test_each_chapter_view_of_one_work_keeps_its_own_chapter() -> None:
    first = real("workpage_692_ch1of2-wip_chapterview.html")
    second = real("workpage_692_ch2of2-wip_chapterview.html")
    assert (first.chapters[0].title, second.chapters[0].title) == ("Where am I?", "Hogwarts")
    assert first.source_url == second.source_url == "https://archiveofourown.org/works/692"
    assert (first.chapters[0].end_notes_html, bool(second.chapters[0].end_notes_html)) == ("", True)


def test_untitled_real_chapter_has_an_empty_title() -> None:
    assert real("workpage_310586_ch1of2_chapterview.html").chapters[0].title == ""


def test_real_chapter_end_notes_and_pseud_shown_with_its_user() -> None:
    work = real("workpage_38952696_ch1_endnotes_chapterview.html")
    assert work.chapters[0].end_notes_html.startswith("<p>")
    assert work.creators == ["IncompleteSentanc"]
    assert work.expected_chapter_count == 25


def test_real_gift_and_collection() -> None:
    work = real("workpage_18246218_1ch.html")
    assert work.gift_recipients == ["Artemis1000"]
    assert work.collections == ["Multifandom Drabble 2019: Round One"]


def test_real_translator_of_a_translation_into_is_not_a_creator() -> None:
    work = real("workpage_18246218_1ch.html")
    assert work.creators == ["thedevilchicken"]


def test_real_gift_to_a_yuletide_recipient() -> None:
    assert real("workpage_68481_1ch_gift-collection.html").gift_recipients == ["randomling"]


def test_real_series_part_of_the_series() -> None:
    work = real("workpage_688_1ch_in-series.html")
    assert [(s.title, s.position, s.source_url) for s in work.series] == [
        ("Counting Drabbles", 1, "https://archiveofourown.org/series/46")
    ]


def test_real_work_in_two_series() -> None:
    work = real("workpage_41214669_multiple-series_2026.html")
    assert [s.title for s in work.series] == ["AO3 Skins", ":has() selector"]


def test_real_three_fandom_crossover() -> None:
    work = real("workpage_35386909_1ch_3fandoms.html")
    assert len(work.fandoms) == 3
    assert work.warnings == ["No Archive Warnings Apply"]


def test_real_chapter_title_with_a_colon_of_its_own() -> None:
    work = real("workpage_7755808_ch_of41.html")
    assert work.chapters[0].title == "Prologue: After the World Burns"
    assert work.expected_chapter_count == 41


def test_real_full_page_with_head_gives_end_notes_and_series() -> None:
    work = real("workpage_41822007_loggedout_2026.html")
    assert work.end_notes_html.startswith("<p>")
    assert work.series[0].position == 3
