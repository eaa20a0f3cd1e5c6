"""Bulk downloads: a series, a reading list or a creator's own works as one zip, packed by
the worker (tests run tasks at once) while the first request answers a "Packing…" page."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from typing import Any

import pytest
from django.test import Client
from django_tasks import default_task_backend

from ficshelf.social.models import ReadingListItem
from ficshelf.works.models import Series, SeriesWork, Work
from tests.factories import PseudFactory, UserFactory, WorkFactory
from tests.social.factories import ReadingListFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.downloads.bulk_urls")]


@pytest.fixture(autouse=True)
def _bulk_urls(_downloads_app: None, settings: Any) -> None:
    # The downloads conftest points ROOT_URLCONF at its own URLs; add the bulk ones.
    settings.ROOT_URLCONF = "tests.downloads.bulk_urls"


def fetch_zip(client: Client, url: str) -> zipfile.ZipFile:
    """The zip at ``url``: the first request queues it, the next one gets the file."""
    first = client.get(url)
    assert first.status_code == 202, first.status_code
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]


def series_of(*works: Work, title: str = "Coastal Lights") -> Series:
    series = Series.objects.create(title=title)
    for position, work in enumerate(works, start=1):
        SeriesWork.objects.create(series=series, work=work, position=position)
    return series


def creator(name: str) -> Any:
    return PseudFactory(name=name, user__username=name)


def test_series_zip_holds_visible_works_in_part_order_with_a_readme(client: Client) -> None:
    wren = creator("wren")
    series = series_of(
        WorkFactory(title="Low Tide", creator=wren), WorkFactory(title="High Water", creator=wren)
    )
    archive = fetch_zip(client, f"/series/{series.pk}/download.zip")
    assert archive.namelist() == [
        "01 - Low Tide - wren.epub",
        "02 - High Water - wren.epub",
        "README.txt",
    ]


def test_series_readme_lists_the_works_with_their_urls(client: Client) -> None:
    work = WorkFactory(title="Low Tide")
    series = series_of(work)
    readme = fetch_zip(client, f"/series/{series.pk}/download.zip").read("README.txt").decode()
    assert "Series: Coastal Lights" in readme
    assert "Low Tide by" in readme
    assert f"http://testserver/works/{work.pk}/" in readme


def test_guest_series_zip_leaves_out_restricted_works(client: Client) -> None:
    series = series_of(WorkFactory(title="Open"), WorkFactory(title="Members", restricted=True))
    names = fetch_zip(client, f"/series/{series.pk}/download.zip").namelist()
    assert [n for n in names if n.endswith(".epub")] == [next(n for n in names if "Open" in n)]
    assert not any("Members" in n for n in names)


def test_creators_own_draft_stays_out_of_the_series_zip(client: Client) -> None:
    wren = creator("wren")
    series = series_of(WorkFactory(title="Posted", creator=wren),
                       WorkFactory(title="Unfinished", creator=wren, draft=True))  # fmt: skip
    client.force_login(wren.user)
    names = fetch_zip(client, f"/series/{series.pk}/download.zip").namelist()
    assert not any("Unfinished" in n for n in names)


def test_series_with_no_visible_work_is_404(client: Client) -> None:
    series = series_of(WorkFactory(restricted=True))
    assert client.get(f"/series/{series.pk}/download.zip").status_code == 404


def test_private_list_is_404_for_others(client: Client) -> None:
    reading_list = ReadingListFactory(is_public=False)
    ReadingListItem.objects.create(reading_list=reading_list, work=WorkFactory())
    client.force_login(UserFactory())
    assert client.get(f"/lists/{reading_list.pk}/download.zip").status_code == 404


def test_public_list_zip_holds_its_works_for_a_guest(client: Client) -> None:
    reading_list = ReadingListFactory(is_public=True)
    work = WorkFactory(title="Listed", creator=creator("ada"))
    ReadingListItem.objects.create(reading_list=reading_list, work=work)
    names = fetch_zip(client, f"/lists/{reading_list.pk}/download.zip").namelist()
    assert names == ["Listed - ada.epub", "README.txt"]


def test_owner_gets_their_private_list(client: Client) -> None:
    reading_list = ReadingListFactory(is_public=False)
    ReadingListItem.objects.create(reading_list=reading_list, work=WorkFactory(title="Mine"))
    client.force_login(reading_list.owner)
    names = fetch_zip(client, f"/lists/{reading_list.pk}/download.zip").namelist()
    assert any(n.startswith("Mine - ") for n in names)


def test_backup_includes_the_creators_draft_and_hidden_work(client: Client) -> None:
    wren = creator("wren")
    WorkFactory(title="Posted", creator=wren)
    WorkFactory(title="Draft", creator=wren, draft=True).chapters.update(is_posted=False)
    WorkFactory(title="Hidden", creator=wren, hidden=True)
    client.force_login(wren.user)
    names = fetch_zip(client, "/dashboard/backup.zip").namelist()
    assert names == [
        "Draft - wren.epub", "Draft - wren.html", "Hidden - wren.epub", "Hidden - wren.html",
        "Posted - wren.epub", "Posted - wren.html", "README.txt",
    ]  # fmt: skip


def test_backup_leaves_out_other_peoples_works(client: Client) -> None:
    wren = creator("wren")
    WorkFactory(title="Mine", creator=wren)
    WorkFactory(title="Theirs")
    client.force_login(wren.user)
    names = fetch_zip(client, "/dashboard/backup.zip").namelist()
    assert not any("Theirs" in n for n in names)


def test_backup_asks_a_guest_to_sign_in(client: Client) -> None:
    assert client.get("/dashboard/backup.zip").status_code == 302


def test_first_request_answers_202_with_a_refreshing_progress_page(
    client: Client, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()  # type: ignore[attr-defined]
    series = series_of(WorkFactory(), WorkFactory())
    response = client.get(f"/series/{series.pk}/download.zip")
    html = response.content.decode()
    assert response.status_code == 202
    assert "Packing 2 works… (0 of 2 done)" in " ".join(html.split())
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "<script" not in html


def test_ready_zip_is_served_as_an_attachment_with_a_readable_name(client: Client) -> None:
    series = series_of(WorkFactory(), title="Coastal Lights")
    client.get(f"/series/{series.pk}/download.zip")
    response = client.get(f"/series/{series.pk}/download.zip")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="Coastal Lights (series).zip"'
    )


def test_changed_work_gives_a_new_zip(client: Client) -> None:
    work = WorkFactory(title="Before")
    series = series_of(work)
    fetch_zip(client, f"/series/{series.pk}/download.zip")
    work.title = "After"
    work.save()
    names = fetch_zip(client, f"/series/{series.pk}/download.zip").namelist()
    assert any(n.startswith("01 - After") for n in names)


def test_bulk_files_come_from_the_per_work_cache(client: Client, settings: Any) -> None:
    from pathlib import Path

    work = WorkFactory()
    fetch_zip(client, f"/series/{series_of(work).pk}/download.zip")
    cached = list((Path(settings.DATA_DIR) / "downloads" / str(work.pk)).glob("*/work.epub"))
    assert len(cached) == 1


def test_zipped_epubs_are_valid_epub_containers(client: Client) -> None:
    archive = fetch_zip(client, f"/series/{series_of(WorkFactory()).pk}/download.zip")
    (name,) = [n for n in archive.namelist() if n.endswith(".epub")]
    with zipfile.ZipFile(io.BytesIO(archive.read(name))) as epub:
        first = epub.infolist()[0]
        assert first.filename == "mimetype"
        assert epub.read("mimetype") == b"application/epub+zip"
        assert "META-INF/container.xml" in epub.namelist()


def test_too_many_new_zips_are_refused(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from ficshelf.downloads.bulk import views

    monkeypatch.setattr(views, "NEW_ZIPS", replace(views.NEW_ZIPS, limit=1))
    client.get(f"/series/{series_of(WorkFactory()).pk}/download.zip")
    refused = series_of(WorkFactory())
    response = client.get(f"/series/{refused.pk}/download.zip")
    assert response.status_code == 429
    assert 3500 < int(response["Retry-After"]) <= 3960  # the window, and at most a tenth more
    assert "Too many bulk downloads" in response.content.decode()
    # The refusal let go of the zip's claim: once allowed, the same zip is packed.
    monkeypatch.setattr(views, "NEW_ZIPS", replace(views.NEW_ZIPS, limit=2))
    assert client.get(f"/series/{refused.pk}/download.zip").status_code != 429


@pytest.mark.urls("ficshelf.urls")
def test_series_page_and_dashboard_link_their_bulk_downloads(client) -> None:  # type: ignore[no-untyped-def]
    from ficshelf.works.models import Series, SeriesWork
    from tests.factories import PseudFactory, WorkFactory

    pseud = PseudFactory()
    series = Series.objects.create(title="Linked Series")
    SeriesWork.objects.create(series=series, work=WorkFactory(creator=pseud), position=1)
    series_page = client.get(f"/series/{series.pk}/").content.decode()
    assert f"/series/{series.pk}/download.zip" in series_page
    client.force_login(pseud.user)
    assert "/dashboard/backup.zip" in client.get("/dashboard/").content.decode()


def test_a_work_that_cannot_be_made_is_left_out_and_named_in_the_readme(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ficshelf.downloads.bulk import actions

    wren = creator("wren")
    fine = WorkFactory(title="Low Tide", creator=wren)
    broken = WorkFactory(title="Corrupted Somehow", creator=wren)
    real = actions.build_work_document

    def choke_on_one(work: Work, *args: Any, **kwargs: Any) -> Any:
        if work.pk == broken.pk:
            raise RuntimeError("the exporter choked")
        return real(work, *args, **kwargs)

    monkeypatch.setattr(actions, "build_work_document", choke_on_one)
    archive = fetch_zip(client, f"/series/{series_of(fine, broken).pk}/download.zip")
    assert archive.namelist() == ["01 - Low Tide - wren.epub", "README.txt"]
    readme = archive.read("README.txt").decode()
    assert "Could not be made this time" in readme
    assert "Corrupted Somehow" in readme
    assert f"/works/{broken.pk}" in readme


def test_a_zip_that_could_not_be_packed_says_so_instead_of_refreshing(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ficshelf.downloads.bulk import actions

    def fail_readme(*args: Any, **kwargs: Any) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(actions, "readme", fail_readme)
    series = series_of(WorkFactory(title="Low Tide"))
    url = f"/series/{series.pk}/download.zip"
    assert client.get(url).status_code == 202  # queued; the worker fails
    response = client.get(url)
    assert response.status_code == 500
    html = response.content.decode()
    assert "This zip could not be made" in html
    assert 'http-equiv="refresh"' not in html
    assert "no-store" in response["Cache-Control"]


def test_a_zip_packed_by_a_worker_with_another_data_folder_is_served_here(
    client: Client, settings: Any, tmp_path: Any
) -> None:
    from ficshelf.downloads.models import MadeFile, Preparation

    series = series_of(WorkFactory(title="Low Tide"))
    url = f"/series/{series.pk}/download.zip"
    web_folder = settings.DATA_DIR
    settings.DATA_DIR = tmp_path / "worker-server"
    assert client.get(url).status_code == 202  # packed at once by the "other server"
    settings.DATA_DIR = web_folder

    response = client.get(url)

    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "01 - Low Tide - " in archive.namelist()[0]
    assert "private" in response["Cache-Control"]
    assert response["ETag"] == f'"{MadeFile.objects.get().digest}"'
    assert not Preparation.objects.exists()  # the claim went with the packing
    assert not list((tmp_path / "worker-server").rglob("*.zip"))


def test_zips_older_than_a_day_go_when_the_next_is_packed(client: Client) -> None:
    import datetime

    from django.utils import timezone

    from ficshelf.downloads.bulk.actions import KEEP_SECONDS
    from ficshelf.downloads.models import MadeFile

    fetch_zip(client, f"/series/{series_of(WorkFactory()).pk}/download.zip")
    (old,) = MadeFile.objects.all()
    then = timezone.now() - datetime.timedelta(seconds=KEEP_SECONDS + 60)
    MadeFile.objects.filter(pk=old.pk).update(made_at=then)

    fetch_zip(client, f"/series/{series_of(WorkFactory(), title='Other').pk}/download.zip")

    assert not MadeFile.objects.filter(pk=old.pk).exists()
    assert MadeFile.objects.count() == 1
