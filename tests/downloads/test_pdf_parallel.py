"""A long work's PDF laid out in parts, in processes of their own, then joined: the reader
gets the PDF a single pass makes (pages, numbers, fonts, outline, links, metadata)."""

from __future__ import annotations

import io
import multiprocessing
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.db import transaction
from django.test import override_settings

from bench.downloads import invented_text
from ficshelf.downloads.document import WorkDocument, build_work_document
from ficshelf.downloads.exporters import pdf, pdf_layout
from ficshelf.downloads.exporters.pdf import export_pdf, parts_for, split_evenly
from ficshelf.downloads.exporters.pdf_processes import LayoutProcessError, run_in_processes
from tests.downloads.conftest import LEGACY_MARKUP, pdf_text
from tests.factories import ChapterFactory, PseudFactory, WorkFactory

CHAPTERS = 8
PROCESSES = 3

# The module's work is made once, in the test database, whichever test asks first.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def long_work(django_db_setup: None, django_db_blocker: Any) -> WorkDocument:
    """Eight chapters of invented prose with what a PDF links and bookmarks: chapter notes
    and end notes, a writer's own sub-heading, and the work's end notes, which the preface
    (in the first part) links to in the afterword (in the last part); and, in a later
    part, markup the PDF rewrites (a remote image becomes a link)."""
    with django_db_blocker.unblock(), transaction.atomic():
        work = WorkFactory(
            title="The Short Ledger",
            summary="<p>Invented words, in parts.</p>",
            end_notes="<p>Thanks for reading all of it.</p>",
            expected_chapter_count=CHAPTERS,
            word_count=12_000,
            creator=PseudFactory(name="Wren Marlow", user__username="wren"),
        )
        work.chapters.all().delete()
        for position, text in enumerate(invented_text(12_000, CHAPTERS, seed=8), start=1):
            ChapterFactory(
                work=work,
                position=position,
                title=f"Part {position}",
                notes="<p>A chapter note.</p>" if position % 3 == 0 else "",
                end_notes=f"<p>Chapter {position} ends here.</p>" if position % 2 else "",
                text=(f"<h4>Scene {position}</h4>" if position == 5 else "")
                + text
                + (LEGACY_MARKUP if position == 7 else ""),
            )
        doc = build_work_document(
            work,
            list(work.chapters.all()),
            work_url=f"http://testserver/works/{work.pk}/",
            site_url="http://testserver/",
            site_name="Ficshelf",
        )
        transaction.set_rollback(True)
    return doc


@pytest.fixture(scope="module")
def pdfs(long_work: WorkDocument) -> dict[str, bytes]:
    """The work in one pass and in three processes (short works are made in one pass, so
    the word threshold is lowered for this small one)."""
    made = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "PARALLEL_MIN_WORDS", 0)
        for name, processes in [("single", 1), ("parallel", PROCESSES)]:
            with override_settings(FICSHELF_PDF_PROCESSES=processes):
                made[name] = export_pdf(long_work)
    return made


def poppler(program: str) -> str:
    """A poppler-utils program (pdftotext's package), skipped for where it is missing."""
    path = shutil.which(program)
    if path is None:
        if os.environ.get("FICSHELF_REQUIRE_FIXTURES") == "1":
            pytest.fail(f"{program} (poppler-utils) is not installed")
        pytest.skip(f"{program} (poppler-utils) is not installed")
    return path


def pages_text(pdf_bytes: bytes) -> list[str]:
    return pdf_text(pdf_bytes).split("\f")


def outline(pdf_bytes: bytes) -> list[tuple[int, str, int, list[float]]]:
    """(depth, title, page index, [left, top]) for every outline entry, in order."""
    entries: list[tuple[int, str, int, list[float]]] = []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as document:
        page_index = {page.objgen: index for index, page in enumerate(document.pages)}

        def walk(items: list[pikepdf.OutlineItem], depth: int) -> None:
            for item in items:
                destination = item.destination
                assert isinstance(destination, pikepdf.Array)
                position = [round(float(destination[2]), 2), round(float(destination[3]), 2)]
                entries.append((depth, item.title, page_index[destination[0].objgen], position))
                walk(item.children, depth + 1)

        with document.open_outline() as tree:
            walk(tree.root, 0)
    return entries


def links(pdf_bytes: bytes) -> list[tuple[int, str, int, list[float]]]:
    """(page, anchor name, page the anchor is on, link rectangle) for every internal link."""
    found = []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as document:
        page_index = {page.objgen: index for index, page in enumerate(document.pages)}
        anchors = dict(pikepdf.NameTree(document.Root.Names.Dests).items())
        for index, page in enumerate(document.pages):
            for annotation in page.obj.get("/Annots", []):
                if "/Dest" in annotation:
                    name = str(annotation.Dest)
                    target = page_index[anchors[name][0].objgen]
                    rectangle = [round(float(n), 2) for n in annotation.Rect]
                    found.append((index, name, target, rectangle))
    return found


def test_long_work_is_split_into_one_part_per_process(long_work: WorkDocument) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "PARALLEL_MIN_WORDS", 0)
        parts = parts_for(long_work, PROCESSES)
    assert len(parts) == PROCESSES
    assert [c for part in parts for c in part.chapters] == long_work.chapters
    assert [(part.is_first, part.is_last) for part in parts] == [
        (True, False),
        (False, False),
        (False, True),
    ]


def test_short_work_is_laid_out_in_one_pass(long_work: WorkDocument) -> None:
    assert long_work.word_count < pdf.PARALLEL_MIN_WORDS
    assert len(parts_for(long_work, PROCESSES)) == 1


def test_one_process_means_one_pass(long_work: WorkDocument) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "PARALLEL_MIN_WORDS", 0)
        assert len(parts_for(long_work, 1)) == 1


def test_chapters_are_split_in_runs_of_even_weight() -> None:
    assert split_evenly([5, 5, 5, 5, 5, 5], 3) == [range(0, 2), range(2, 4), range(4, 6)]
    assert split_evenly([1, 1, 1, 9, 1, 1], 2) == [range(0, 3), range(3, 6)]
    assert split_evenly([9, 1, 1, 1, 1, 1], 3) == [range(0, 1), range(1, 4), range(4, 6)]
    assert split_evenly([4, 4], 4) == [range(0, 1), range(1, 2)]


def test_parallel_pdf_has_the_single_pass_pages_and_text(pdfs: dict[str, bytes]) -> None:
    single, parallel = pages_text(pdfs["single"]), pages_text(pdfs["parallel"])
    assert len(single) > CHAPTERS
    assert len(parallel) == len(single)
    for number, (expected, got) in enumerate(zip(single, parallel, strict=True), start=1):
        assert got == expected, f"page {number} differs"


def test_parallel_pdf_rewrites_user_markup_in_every_part(pdfs: dict[str, bytes]) -> None:
    assert "[A map]" in pdf_text(pdfs["parallel"])


def test_parallel_pdf_numbers_pages_on_from_part_to_part(pdfs: dict[str, bytes]) -> None:
    pages = [page.split() for page in pages_text(pdfs["parallel"]) if page.strip()]
    assert pages[0][-1] != "1"  # the first page carries no number
    assert [words[-1] for words in pages[1:]] == [str(n) for n in range(2, len(pages) + 1)]


def test_parallel_pdf_pages_look_like_the_single_pass(
    pdfs: dict[str, bytes], tmp_path: Path
) -> None:
    program = poppler("pdftoppm")
    for name, made in pdfs.items():
        (tmp_path / f"{name}.pdf").write_bytes(made)
        subprocess.run(
            [program, "-r", "30", "-gray", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],
            check=True,
            timeout=120,
        )
    single = sorted(tmp_path.glob("single-*.pgm"))
    assert len(single) == len(list(tmp_path.glob("parallel-*.pgm")))
    for image in single:
        twin = tmp_path / image.name.replace("single", "parallel")
        assert twin.read_bytes() == image.read_bytes(), f"{image.name} differs"


def test_parallel_pdf_embeds_every_font_with_a_tag_of_its_own(pdfs: dict[str, bytes]) -> None:
    result = subprocess.run(
        [poppler("pdffonts"), "-"],
        input=pdfs["parallel"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    fonts = [line.split() for line in result.stdout.decode().splitlines()[2:]]
    assert fonts
    assert all(font[-5] == "yes" for font in fonts), "a font is not embedded"
    names = [font[0] for font in fonts]
    assert len(set(names)) == len(names), "two font subsets share a name"


def test_parallel_pdf_outline_lists_every_chapter_at_its_heading(
    pdfs: dict[str, bytes], long_work: WorkDocument
) -> None:
    entries = outline(pdfs["parallel"])
    assert entries == outline(pdfs["single"])
    pages = pages_text(pdfs["parallel"])
    chapters = [entry for entry in entries if entry[1].startswith("Chapter ")]
    assert [entry[1] for entry in chapters] == [c.heading for c in long_work.chapters]
    for _, heading, page, _ in chapters:
        assert pages[page].strip().startswith(heading)


def test_parallel_pdf_links_reach_the_anchors_of_the_single_pass(
    pdfs: dict[str, bytes],
) -> None:
    found = links(pdfs["parallel"])
    assert found == links(pdfs["single"])
    # The preface (first part) reaches the work's end notes (last part).
    assert any(name == "endnotes" and page == 0 and target > 0 for page, name, target, _ in found)
    assert any(name.startswith("endnotes") and name != "endnotes" for _, name, _, _ in found)


def test_parallel_pdf_keeps_the_document_information(pdfs: dict[str, bytes]) -> None:
    with (
        pikepdf.open(io.BytesIO(pdfs["single"])) as single,
        pikepdf.open(io.BytesIO(pdfs["parallel"])) as parallel,
    ):
        assert dict(parallel.docinfo) == dict(single.docinfo)
        assert str(parallel.docinfo.Title).startswith("The Short Ledger - Wren Marlow")
        assert parallel.Root.Lang == single.Root.Lang == "en"


def test_failing_layout_process_raises_in_the_caller() -> None:
    with pytest.raises(LayoutProcessError, match="ValueError"):
        run_in_processes(int, ["1", "two", "3"])
    assert multiprocessing.active_children() == []


def test_layout_process_that_dies_raises_in_the_caller() -> None:
    with pytest.raises(LayoutProcessError, match="ended without a result"):
        run_in_processes(os._exit, [3, 0])
    assert multiprocessing.active_children() == []


def test_failing_part_fails_the_export(
    long_work: WorkDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "PARALLEL_MIN_WORDS", 0)
    # The part's HTML reaches a function that cannot take it: the child raises.
    monkeypatch.setattr(pdf_layout, "lay_out_part", int)
    with override_settings(FICSHELF_PDF_PROCESSES=2), pytest.raises(LayoutProcessError):
        export_pdf(long_work)
    assert multiprocessing.active_children() == []
