"""Saving an ImportedWork: every part kept, re-imports update, failures leave nothing."""

from __future__ import annotations

import datetime

import pytest

from ficshelf.accounts.models import Pseud
from ficshelf.importers.actions import external_pseud, pseud_for_import, save_imported_work
from ficshelf.importers.base import ImportedChapter, ImportedSeriesPart, ImportedWork, ImportFailed
from ficshelf.works.models import Chapter, Work
from tests.factories import PseudFactory, UserFactory

pytestmark = pytest.mark.django_db

SOURCE = "https://archiveofourown.org/works/123"


def make_imported(chapters: int = 2, **overrides: object) -> ImportedWork:
    values: dict[str, object] = {
        "title": "The Lighthouse Keeper",
        "creators": ["tidewriter"],
        "rating": "Teen And Up Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "categories": ["Gen"],
        "fandoms": ["Original Work"],
        "characters": ["The Keeper"],
        "freeforms": ["Found Family", "Storms"],
        "language": "English",
        "series": [ImportedSeriesPart("Coastal Tales", 2, "https://archiveofourown.org/series/9")],
        "summary_html": "<p>A keeper and a storm.</p>",
        "notes_html": "<p>Written for a friend.</p><script>x()</script>",
        "end_notes_html": "<p>Thanks for reading.</p>",
        "expected_chapter_count": chapters,
        "published_on": datetime.date(2023, 1, 2),
        "updated_on": datetime.date(2023, 2, 3),
        "source_url": SOURCE,
        "source_format": "ao3-html",
        "chapters": [
            ImportedChapter(title=f"Night {n}", text_html=f"<p>The lamp turned {n} times.</p>")
            for n in range(1, chapters + 1)
        ],
    }
    values.update(overrides)
    return ImportedWork(**values)  # type: ignore[arg-type]


def test_every_part_of_the_work_is_saved() -> None:
    work = save_imported_work(make_imported(), fallback_pseud=None).work
    assert work.title == "The Lighthouse Keeper"
    assert [c.title for c in work.chapters.all()] == ["Night 1", "Night 2"]
    assert work.rating is not None and work.rating.name == "Teen And Up Audiences"
    assert {t.name for t in work.tags.all()} >= {"Gen", "Original Work", "Storms", "The Keeper"}
    assert work.language is not None and work.language.short == "en"
    assert work.series_works.get().series.title == "Coastal Tales"
    assert work.series_works.get().position == 2
    assert work.end_notes == "<p>Thanks for reading.</p>"
    assert work.updated_on == datetime.date(2023, 2, 3)
    assert work.is_posted and work.is_complete


def test_html_is_sanitized_when_saved() -> None:
    work = save_imported_work(make_imported(), fallback_pseud=None).work
    assert work.notes == "<p>Written for a friend.</p>"
    assert work.sanitizer_version > 0


def test_word_count_is_the_sum_of_the_chapters() -> None:
    work = save_imported_work(make_imported(), fallback_pseud=None).work
    assert work.word_count == 10
    assert sum(c.word_count for c in work.chapters.all()) == 10


def test_byline_creators_become_external_pseuds() -> None:
    work = save_imported_work(make_imported(), fallback_pseud=None).work
    pseud = work.creatorships.get().pseud
    assert pseud.name == "tidewriter" and pseud.is_external


def test_byline_wins_over_the_fallback_creator() -> None:
    fallback = PseudFactory()
    work = save_imported_work(make_imported(), fallback_pseud=fallback).work
    assert work.creatorships.get().pseud.name == "tidewriter"


def test_work_without_creator_needs_a_fallback() -> None:
    with pytest.raises(ImportFailed, match="--as"):
        save_imported_work(make_imported(creators=[]), fallback_pseud=None)
    assert not Work.objects.exists()


def test_work_without_creator_is_credited_to_the_fallback() -> None:
    fallback = external_pseud("archivist")
    work = save_imported_work(make_imported(creators=[]), fallback_pseud=fallback).work
    assert work.creatorships.get().pseud == fallback


def test_as_names_an_existing_users_default_pseud() -> None:
    user = UserFactory(username="mira")
    assert pseud_for_import("mira").user == user
    assert pseud_for_import("nobody-here").is_external


def test_reimport_from_the_same_source_updates_instead_of_duplicating() -> None:
    first = save_imported_work(make_imported(chapters=2), fallback_pseud=None)
    again = save_imported_work(make_imported(chapters=3), fallback_pseud=None)
    assert first.created and not again.created
    assert again.work.pk == first.work.pk
    assert Work.objects.count() == 1
    assert again.work.chapters.count() == 3
    assert Chapter.objects.count() == 3


def test_work_with_no_text_is_refused_and_nothing_is_saved() -> None:
    imported = make_imported(chapters=1)
    imported.chapters[0].text_html = "  "
    with pytest.raises(ImportFailed, match="no work text"):
        save_imported_work(imported, fallback_pseud=None)
    assert not Work.objects.exists()
    assert not Pseud.objects.exists()


def test_missing_rating_and_warning_get_ao3s_defaults() -> None:
    imported = make_imported(rating="", warnings=[])
    work = save_imported_work(imported, fallback_pseud=None).work
    names = {t.name for t in work.tags.all()}
    assert {"Not Rated", "Creator Chose Not To Use Archive Warnings"} <= names


def test_unknown_rating_is_reported_not_invented() -> None:
    result = save_imported_work(make_imported(rating="Spicy"), fallback_pseud=None)
    assert result.work.rating is not None and result.work.rating.name == "Not Rated"
    assert any("Spicy" in n for n in result.notices)


def test_unknown_expected_chapter_count_means_work_in_progress() -> None:
    work = save_imported_work(make_imported(expected_chapter_count=None), fallback_pseud=None).work
    assert not work.is_complete
    assert work.chapter_count_display == "2/?"


def test_unknown_language_is_added_by_name() -> None:
    work = save_imported_work(make_imported(language="Toki Pona"), fallback_pseud=None).work
    assert work.language is not None and work.language.name == "Toki Pona"


def test_failure_midway_leaves_nothing_half_written(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("ficshelf.importers.actions._attach_series", broken)
    with pytest.raises(RuntimeError):
        save_imported_work(make_imported(), fallback_pseud=None)
    assert not Work.objects.exists()
    assert not Chapter.objects.exists()
    assert not Pseud.objects.exists()


def test_operator_rating_applies_only_when_the_file_states_none() -> None:
    unrated = save_imported_work(
        make_imported(rating="", source_url=""), fallback_pseud=None, default_rating="Explicit"
    )
    rated = save_imported_work(make_imported(), fallback_pseud=None, default_rating="Explicit")
    assert unrated.work.rating is not None and unrated.work.rating.name == "Explicit"
    assert rated.work.rating is not None and rated.work.rating.name == "Teen And Up Audiences"


def test_old_warning_names_are_mapped_to_ao3s_current_ones() -> None:
    work = save_imported_work(make_imported(warnings=["Underage"]), fallback_pseud=None).work
    assert "Underage Sex" in {t.name for t in work.tags.all()}


def chapter_view(position: int, of: int) -> ImportedWork:
    imported = make_imported(chapters=1, expected_chapter_count=of, is_partial=True)
    imported.chapters[0].position = position
    imported.chapters[0].title = f"Saved night {position}"
    imported.end_notes_html = ""
    return imported


def test_saved_chapter_view_is_stored_at_its_own_position() -> None:
    work = save_imported_work(chapter_view(2, of=3), fallback_pseud=None).work
    assert [c.position for c in work.chapters.all()] == [2]
    assert work.chapter_count_display == "1/3"


def test_saved_chapter_view_replaces_only_its_chapter_of_a_known_work() -> None:
    save_imported_work(make_imported(chapters=3), fallback_pseud=None)
    work = save_imported_work(chapter_view(2, of=3), fallback_pseud=None).work
    titles = [c.title for c in work.chapters.all()]
    assert titles == ["Night 1", "Saved night 2", "Night 3"]
    assert work.end_notes == "<p>Thanks for reading.</p>"
    assert work.is_complete


def test_absurd_chapter_numbers_from_a_damaged_file_are_treated_as_unknown() -> None:
    imported = make_imported(chapters=1, expected_chapter_count=10**20)
    imported.chapters[0].position = 10**19
    imported.series[0].position = 10**18
    work = save_imported_work(imported, fallback_pseud=None).work
    assert work.expected_chapter_count is None
    assert [c.position for c in work.chapters.all()] == [1]
    assert work.series_works.get().position == 1


def test_a_tag_too_long_for_a_tag_is_left_out_with_a_notice_and_the_work_imported() -> None:
    run_together = "a tag pasted without commas " * 12  # 336 characters
    result = save_imported_work(
        make_imported(freeforms=["Storms", run_together]), fallback_pseud=None
    )
    names = set(result.work.tags.values_list("name", flat=True))
    assert "Storms" in names
    assert not any(name.startswith("a tag pasted") for name in names)
    assert any("characters (at most 300) was left out: a tag pasted" in n for n in result.notices)


def test_a_tag_up_to_the_column_is_kept_whole() -> None:
    long_tag = ("word " * 60).strip()  # 299 characters: longer than AO3's 150, kept
    work = save_imported_work(make_imported(freeforms=[long_tag]), fallback_pseud=None).work
    assert work.tags.filter(name=long_tag).exists()


def test_more_than_75_tags_are_kept_as_ao3_kept_older_works() -> None:
    many = [f"Trope {i}" for i in range(90)]
    work = save_imported_work(make_imported(freeforms=many), fallback_pseud=None).work
    assert work.tags.filter(name__startswith="Trope ").count() == 90


def test_one_line_fields_of_an_imported_work_are_folded() -> None:
    imported = make_imported(
        chapters=1,
        title="The Lighthouse\n  Keeper",
        creators=["tide\nwriter"],
        freeforms=["Found\nFamily"],
        series=[ImportedSeriesPart("Coastal\nTales", 1)],
    )
    imported.chapters[0].title = "Night\r\nOne"
    work = save_imported_work(imported, fallback_pseud=None).work
    assert work.title == "The Lighthouse Keeper"
    assert work.creatorships.get().pseud.name == "tide writer"
    assert work.tags.filter(name="Found Family").exists()
    assert work.series_works.get().series.title == "Coastal Tales"
    assert work.chapters.get().title == "Night One"


def test_an_over_long_title_is_cut_at_a_word_with_a_notice() -> None:
    title = "Lighthouse " * 30  # 330 characters
    result = save_imported_work(make_imported(title=title), fallback_pseud=None)
    assert len(result.work.title) <= 255
    assert result.work.title.endswith("Lighthouse")
    assert any("longer than 255 characters" in n for n in result.notices)
