"""PDF, AZW3 and MOBI are made by the worker: the first request queues the file and answers
a page that refreshes itself; the file is then kept in the database and served at once."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks import default_task_backend

from ficshelf.downloads import made_files
from ficshelf.downloads.made_files import PREPARATION_TIMEOUT_SECONDS
from ficshelf.downloads.models import MadeFile, MadeFileChunk, Preparation
from ficshelf.works.models import Work
from tests.factories import WorkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued_only(settings: pytest.FixtureRequest) -> None:
    """A worker that never runs: tasks are only recorded, as a busy queue would hold them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()  # type: ignore[attr-defined]


def stored_files(work: Work) -> list[str]:
    names = MadeFile.objects.filter(work=work, is_complete=True).values_list("name", flat=True)
    return sorted(name.rsplit("/", 1)[1] for name in names)


def long_ago(name: str) -> None:
    """The claim or failure of ``name`` dates from before the preparation timeout."""
    then = timezone.now() - datetime.timedelta(seconds=PREPARATION_TIMEOUT_SECONDS + 60)
    assert Preparation.objects.filter(name=name).update(since=then) == 1


def test_first_request_answers_202_with_a_refreshing_page(client: Client) -> None:
    response = client.get(f"/downloads/{WorkFactory().pk}/x.pdf")
    assert response.status_code == 202
    html = response.content.decode()
    assert "Your download is being prepared" in html
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "<script" not in html


def test_preparing_page_is_not_stored_by_caches(client: Client) -> None:
    response = client.get(f"/downloads/{WorkFactory().pk}/x.pdf")
    assert "no-store" in response["Cache-Control"]


def test_next_request_gets_the_file(client: Client) -> None:
    work = WorkFactory()
    client.get(f"/downloads/{work.pk}/x.pdf")
    response = client.get(f"/downloads/{work.pk}/x.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]


def test_stored_file_is_served_at_once(client: Client) -> None:
    work = WorkFactory()
    client.get(f"/downloads/{work.pk}/x.pdf")
    (made,) = MadeFile.objects.filter(work=work, name__endswith="/work-a5.pdf")
    MadeFileChunk.objects.filter(file=made).update(data=b"%PDF- stored copy")
    response = client.get(f"/downloads/{work.pk}/x.pdf")
    assert b"".join(response.streaming_content).startswith(b"%PDF- stored copy")  # type: ignore[attr-defined]


def test_letter_pdf_is_stored_apart_from_a5(client: Client) -> None:
    work = WorkFactory()
    client.get(f"/downloads/{work.pk}/x.pdf")
    client.get(f"/downloads/{work.pk}/x.pdf?paper=letter")
    assert stored_files(work) == ["work-a5.pdf", "work-letter.pdf"]


def test_unknown_paper_is_404(client: Client) -> None:
    assert client.get(f"/downloads/{WorkFactory().pk}/x.pdf?paper=a0").status_code == 404


@pytest.mark.usefixtures("queued_only")
def test_same_version_is_queued_once(client: Client) -> None:
    work = WorkFactory()
    statuses = [client.get(f"/downloads/{work.pk}/x.pdf").status_code for _ in range(3)]
    assert statuses == [202, 202, 202]
    assert len(default_task_backend.results) == 1  # type: ignore[attr-defined]


@pytest.mark.usefixtures("queued_only")
def test_each_paper_is_queued_on_its_own(client: Client) -> None:
    work = WorkFactory()
    client.get(f"/downloads/{work.pk}/x.pdf")
    client.get(f"/downloads/{work.pk}/x.pdf?paper=letter")
    assert len(default_task_backend.results) == 2  # type: ignore[attr-defined]


@pytest.mark.usefixtures("queued_only")
def test_file_queued_by_a_lost_task_is_queued_again_later(client: Client) -> None:
    work = WorkFactory()
    client.get(f"/downloads/{work.pk}/x.pdf")
    (claim,) = Preparation.objects.all()
    assert claim.state == Preparation.State.QUEUED
    long_ago(claim.name)
    client.get(f"/downloads/{work.pk}/x.pdf")
    client.get(f"/downloads/{work.pk}/x.pdf")
    assert len(default_task_backend.results) == 2  # type: ignore[attr-defined]


def test_editing_the_work_queues_a_new_file(client: Client) -> None:
    work = WorkFactory(title="Before")
    client.get(f"/downloads/{work.pk}/x.pdf")
    work.title = "After"
    work.save()
    assert client.get(f"/downloads/{work.pk}/x.pdf").status_code == 202


@pytest.fixture
def failing_maker(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's conversion fails (calibre or WeasyPrint chokes on the work)."""

    def choke(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the converter choked")

    monkeypatch.setattr("ficshelf.downloads.actions.build_work_document", choke)


@pytest.mark.usefixtures("failing_maker")
def test_a_file_that_could_not_be_made_says_so_instead_of_refreshing(client: Client) -> None:
    work = WorkFactory(title="Choked On")
    client.get(f"/downloads/{work.pk}/x.pdf")  # queued; the worker fails
    response = client.get(f"/downloads/{work.pk}/x.pdf")
    assert response.status_code == 500
    html = response.content.decode()
    assert "This download could not be made" in html
    assert "Choked On" in html
    assert 'http-equiv="refresh"' not in html
    assert "no-store" in response["Cache-Control"]
    # The formats made in the request are offered instead.
    for extension in ("epub", "html", "txt"):
        assert f'.{extension}" download>' in html
    assert '.pdf" download>' not in html


@pytest.mark.usefixtures("failing_maker")
def test_a_failed_file_is_not_tried_again_until_the_timeout(
    client: Client, settings: pytest.FixtureRequest
) -> None:
    work = WorkFactory()
    client.get(f"/downloads/{work.pk}/x.pdf")  # the worker fails at once
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()  # type: ignore[attr-defined]
    for _ in range(3):
        assert client.get(f"/downloads/{work.pk}/x.pdf").status_code == 500
    assert len(default_task_backend.results) == 0  # type: ignore[attr-defined]
    (failure,) = Preparation.objects.all()
    assert failure.state == Preparation.State.FAILED
    long_ago(failure.name)
    assert client.get(f"/downloads/{work.pk}/x.pdf").status_code == 202
    assert len(default_task_backend.results) == 1  # type: ignore[attr-defined]


# ---- Kept in the database, for every server ----


def test_a_file_made_by_a_worker_with_another_data_folder_is_served_here(
    client: Client, settings: pytest.FixtureRequest, tmp_path: object
) -> None:
    """The issue's case: the worker runs on another server, with a data folder of its own."""
    from pathlib import Path

    work = WorkFactory()
    worker_folder = Path(str(tmp_path)) / "worker-server"
    web_folder = Path(str(settings.DATA_DIR))  # type: ignore[attr-defined]
    settings.DATA_DIR = worker_folder  # type: ignore[attr-defined]
    assert client.get(f"/downloads/{work.pk}/x.pdf").status_code == 202  # made at once
    settings.DATA_DIR = web_folder  # type: ignore[attr-defined]

    response = client.get(f"/downloads/{work.pk}/x.pdf")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    # Nothing of it in either server's folder: the database holds it.
    for folder in (worker_folder, web_folder):
        assert not list((folder / "downloads").rglob("*.pdf"))


def test_a_kept_file_has_a_validator_and_a_reader_who_has_it_gets_a_304(client: Client) -> None:
    work = WorkFactory()
    client.get(f"/downloads/{work.pk}/x.pdf")
    (made,) = MadeFile.objects.filter(work=work)

    response = client.get(f"/downloads/{work.pk}/x.pdf")
    assert response["ETag"] == f'"{made.digest}"'
    assert response["Content-Length"] == str(made.size)
    assert response["Last-Modified"]
    assert response["Content-Disposition"].startswith("attachment;")
    again = client.get(f"/downloads/{work.pk}/x.pdf", HTTP_IF_NONE_MATCH=response["ETag"])
    since = client.get(
        f"/downloads/{work.pk}/x.pdf", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]
    )

    assert again.status_code == 304
    assert again["ETag"] == response["ETag"]
    assert since.status_code == 304
    changed = client.get(f"/downloads/{work.pk}/x.pdf", HTTP_IF_NONE_MATCH='"other"')
    assert changed.status_code == 200


def test_a_head_request_reads_no_piece_of_the_file(client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    work = WorkFactory()
    client.get(f"/downloads/{work.pk}/x.pdf")
    with CaptureQueriesContext(connection) as queries:
        response = client.head(f"/downloads/{work.pk}/x.pdf")
    assert response.status_code == 200
    assert int(response["Content-Length"]) > 1000
    assert not any("madefilechunk" in query["sql"] for query in queries.captured_queries)


def test_a_file_of_many_pieces_is_sent_whole_and_in_order(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(made_files, "CHUNK_BYTES", 1000)
    work = WorkFactory()
    client.get(f"/downloads/{work.pk}/x.pdf")
    (made,) = MadeFile.objects.filter(work=work)
    pieces = list(
        MadeFileChunk.objects.filter(file=made).order_by("position").values_list("data", flat=True)
    )
    assert len(pieces) > 3
    assert all(len(piece) == 1000 for piece in pieces[:-1])

    response = client.get(f"/downloads/{work.pk}/x.pdf")
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]

    assert body == b"".join(bytes(piece) for piece in pieces)
    assert len(body) == made.size == int(response["Content-Length"])
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")


def test_a_file_larger_than_the_limit_is_not_kept_and_the_reader_is_told(
    client: Client, settings: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.FICSHELF_DOWNLOAD_MAX_BYTES = 2000  # type: ignore[attr-defined]
    monkeypatch.setattr(made_files, "CHUNK_BYTES", 1000)
    work = WorkFactory()
    assert client.get(f"/downloads/{work.pk}/x.pdf").status_code == 202  # the task fails
    response = client.get(f"/downloads/{work.pk}/x.pdf")
    assert response.status_code == 500
    assert "This download could not be made" in response.content.decode()
    assert not MadeFile.objects.exists()
    assert not MadeFileChunk.objects.exists()


def test_a_new_version_replaces_the_old_files_and_a_deleted_work_takes_its_own() -> None:
    other = WorkFactory()
    work = WorkFactory()
    made_files.store(made_files.work_file_name(work.pk, "v1", "work.pdf"), b"old" * 10,
                     work_id=work.pk, version="v1")  # fmt: skip
    made_files.store(made_files.work_file_name(work.pk, "v1", "work.mobi"), b"old",
                     work_id=work.pk, version="v1")  # fmt: skip
    made_files.store(made_files.work_file_name(other.pk, "v1", "work.pdf"), b"other",
                     work_id=other.pk, version="v1")  # fmt: skip

    made_files.store(made_files.work_file_name(work.pk, "v2", "work.pdf"), b"new",
                     work_id=work.pk, version="v2")  # fmt: skip

    assert sorted(MadeFile.objects.values_list("name", flat=True)) == sorted(
        [f"work/{work.pk}/v2/work.pdf", f"work/{other.pk}/v1/work.pdf"]
    )
    work.delete()
    assert list(MadeFile.objects.values_list("name", flat=True)) == [f"work/{other.pk}/v1/work.pdf"]
    assert MadeFileChunk.objects.count() == 1


def test_removing_a_file_reads_none_of_its_bytes() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = made_files.store("bulk/abc.zip", b"PK" * 5000)
    with CaptureQueriesContext(connection) as queries:
        MadeFile.objects.filter(pk=made.pk).delete()
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert not any("madefilechunk" in sql for sql in selects)
    assert not MadeFileChunk.objects.exists()


def test_a_file_whose_making_failed_half_way_leaves_nothing() -> None:
    class Breaks:
        def __init__(self) -> None:
            self.reads = 0

        def read(self, size: int) -> bytes:
            self.reads += 1
            if self.reads > 2:
                raise OSError("the part file went away")
            return b"x" * size

    with pytest.raises(OSError, match="went away"):
        made_files.store("bulk/broken.zip", Breaks())  # type: ignore[arg-type]
    assert not MadeFile.objects.exists()
    assert not MadeFileChunk.objects.exists()


def test_the_same_file_made_twice_is_kept_once() -> None:
    first = made_files.store("bulk/same.zip", b"first copy")
    second = made_files.store("bulk/same.zip", b"second copy")
    assert second.pk == first.pk
    assert MadeFile.objects.count() == 1
    found = made_files.find("bulk/same.zip")
    assert found is not None and made_files.read_whole(found) == b"first copy"


def test_a_claim_is_taken_once_and_taken_over_once_after_the_timeout() -> None:
    assert made_files.claim_preparation("work/1/v/work.pdf")
    assert not made_files.claim_preparation("work/1/v/work.pdf")
    long_ago("work/1/v/work.pdf")
    assert made_files.claim_preparation("work/1/v/work.pdf")  # a lost task: queued again
    assert not made_files.claim_preparation("work/1/v/work.pdf")
    made_files.release_preparation("work/1/v/work.pdf")
    assert not Preparation.objects.exists()


# ---- This server's copies of files it served ----


def served(response: object) -> bytes:
    """The whole body; the test client closes the response once it is read, as the WSGI
    server does once it is sent."""
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_a_served_file_is_then_sent_from_this_servers_copy(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.http import FileResponse

    monkeypatch.setattr(made_files, "CHUNK_BYTES", 1000)
    work = WorkFactory()
    client.get(f"/downloads/{work.pk}/x.pdf")
    (made,) = MadeFile.objects.filter(work=work)
    first = served(client.get(f"/downloads/{work.pk}/x.pdf"))
    copy = made_files.local_copies_dir() / made.digest
    assert copy.read_bytes() == first
    MadeFileChunk.objects.filter(file=made).delete()  # only the copy can answer now

    again = client.get(f"/downloads/{work.pk}/x.pdf")

    assert isinstance(again, FileResponse)  # sent with the WSGI file wrapper
    assert served(again) == first
    assert again["Content-Length"] == str(made.size)
    assert again["ETag"] == f'"{made.digest}"'
    assert not list(made_files.local_copies_dir().glob("*.part"))


def test_a_reader_who_leaves_half_way_leaves_no_copy(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.signals import request_finished
    from django.db import close_old_connections

    monkeypatch.setattr(made_files, "CHUNK_BYTES", 1000)
    work = WorkFactory()
    client.get(f"/downloads/{work.pk}/x.pdf")
    response = client.get(f"/downloads/{work.pk}/x.pdf")
    next(iter(response.streaming_content))  # type: ignore[attr-defined]
    # The reader went away: the server closes the response. (Kept off the test's database
    # connection, as the test client does when a response is read to its end.)
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert list(made_files.local_copies_dir().iterdir()) == []


def test_a_file_changed_while_it_was_sent_leaves_no_copy(client: Client) -> None:
    work = WorkFactory()
    client.get(f"/downloads/{work.pk}/x.pdf")
    MadeFileChunk.objects.filter(file__work=work).update(data=b"%PDF- another file")
    served(client.get(f"/downloads/{work.pk}/x.pdf"))
    assert list(made_files.local_copies_dir().iterdir()) == []


def test_copies_of_files_gone_from_the_database_go_when_another_is_kept(client: Client) -> None:
    old_work, new_work = WorkFactory(), WorkFactory()
    client.get(f"/downloads/{old_work.pk}/x.pdf")
    served(client.get(f"/downloads/{old_work.pk}/x.pdf"))
    (old,) = MadeFile.objects.filter(work=old_work)
    assert (made_files.local_copies_dir() / old.digest).exists()
    old_work.delete()  # its files go from the database with it

    client.get(f"/downloads/{new_work.pk}/x.pdf")
    served(client.get(f"/downloads/{new_work.pk}/x.pdf"))

    (new,) = MadeFile.objects.filter(work=new_work)
    assert sorted(p.name for p in made_files.local_copies_dir().iterdir()) == [new.digest]
