"""Browser flows for the work page's tools: the Download menu and reporting a problem."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pytest_django.live_server_helper import LiveServer

from ficshelf.moderation.models import Report
from ficshelf.works.models import Series, SeriesWork
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import WorkFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_reader_downloads_an_epub_from_the_menu(
    live_server: LiveServer, page: Page, tmp_path: Path
) -> None:
    work = WorkFactory(title="Harbour Lights", chapters=2)
    page.goto(live_server.url + work.get_absolute_url())
    page.get_by_text("Download", exact=True).click()
    with page.expect_download() as info:
        page.get_by_role("link", name="EPUB").click()
    download = info.value
    assert download.suggested_filename.endswith(".epub")
    assert "Harbour Lights" in download.suggested_filename
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as epub:
        assert epub.namelist()[0] == "mimetype"


def test_reader_reports_a_work_and_is_thanked(live_server: LiveServer, page: Page) -> None:
    work = WorkFactory(title="Mislabelled")
    page.goto(live_server.url + work.get_absolute_url())
    page.get_by_role("link", name="Report a problem").click()
    page.get_by_label("Wrong rating or missing warnings").check()
    page.get_by_label("Tell the admins what they need to know").fill(
        "Graphic violence, no warning."
    )
    page.get_by_label("Your email").fill("reader@example.org")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Thank you. Your report went to the archive's admins.")).to_be_visible()
    report = Report.objects.get()
    assert report.work == work and report.reason == "ratings"


@pytest.mark.parametrize(("layout", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_report_form_ticks_no_reason_and_asks_for_one(
    live_server: LiveServer, browser: Browser, shots_dir: Path, layout: str, viewport: ViewportSize
) -> None:
    work = WorkFactory(title="Mislabelled")
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(live_server.url + f"/works/{work.pk}/report/")
    reasons = page.locator("input[name=reason]")
    expect(reasons).to_have_count(5)
    expect(page.locator("input[name=reason]:checked")).to_have_count(0)
    expect(page.get_by_text("---------")).to_have_count(0)
    page.screenshot(path=str(shots_dir / f"{layout}-report-form.png"), full_page=True)

    page.get_by_label("Tell the admins what they need to know").fill("Spam links.")
    page.get_by_role("button", name="Send report").click()
    assert reasons.first.evaluate("radio => radio.validity.valueMissing")
    assert not Report.objects.exists()

    page.get_by_label("Spam or commercial promotion").check()
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Thank you. Your report went to the archive's admins.")).to_be_visible()
    assert Report.objects.get().reason == "spam"
    page.context.close()


def test_a_pdf_that_could_not_be_made_says_so_and_offers_an_epub(
    live_server: LiveServer,
    page: Page,
    monkeypatch: pytest.MonkeyPatch,
    shots_dir: Path,
) -> None:
    def choke(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the converter choked")

    monkeypatch.setattr("ficshelf.downloads.actions.build_work_document", choke)
    work = WorkFactory(title="Too Strange To Print")
    page.goto(live_server.url + work.get_absolute_url())
    page.get_by_text("Download", exact=True).click()
    page.get_by_role("link", name="PDF").click()
    # The "being prepared" page refreshes itself, then says the file could not be made.
    expect(page.get_by_role("heading", name="This download could not be made")).to_be_visible(
        timeout=15_000
    )
    page.screenshot(path=str(shots_dir / "download-could-not-be-made.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("link", name="EPUB").click()
    assert info.value.suggested_filename.endswith(".epub")


def test_reader_downloads_a_whole_series_as_one_epub(
    live_server: LiveServer, page: Page, tmp_path: Path, shots_dir: Path
) -> None:
    series = Series.objects.create(title="Coastal Lights")
    for position, title in enumerate(["Low Tide", "High Water"], start=1):
        SeriesWork.objects.create(series=series, work=WorkFactory(title=title), position=position)
    page.goto(f"{live_server.url}/series/{series.pk}/")
    page.screenshot(path=str(shots_dir / "series-downloads.png"), full_page=True)
    # The first answer is a "Packing…" page that refreshes itself into the download.
    with page.expect_download(timeout=15_000) as info:
        page.get_by_role("link", name="one EPUB").click()
    download = info.value
    assert download.suggested_filename == "Coastal Lights (series).epub"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as epub:
        assert "OEBPS/work2-preface.xhtml" in epub.namelist()


def test_reader_asks_for_a_pdf_and_the_preparing_page_brings_it(
    live_server: LiveServer, page: Page, tmp_path: Path, shots_dir: Path
) -> None:
    work = WorkFactory(title="Harbour Lights")
    page.goto(live_server.url + work.get_absolute_url())
    page.get_by_text("Download", exact=True).click()
    # The worker makes it and keeps it in the database (tests run the task at once); the
    # "being prepared" page reloads itself and the reload is the file.
    with page.expect_download(timeout=15_000) as info:
        page.get_by_role("link", name="PDF").first.click()
        expect(page.get_by_role("heading", name="Your download is being prepared")).to_be_visible()
        page.screenshot(path=str(shots_dir / "download-being-prepared.png"), full_page=True)
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
