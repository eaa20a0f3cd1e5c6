"""Real processes killed mid-work, and what the next start recovers: a worker killed while
making a PDF, a ``reindex`` killed while building, and the database going away under a
running archive."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.core.processes import (
    Archive,
    archive_in,
    child_running,
    fetch,
    free_port,
    postgres_database,
    postgres_run_only,
    serve,
    sqlite_run_only,
    wait_until,
)
from tests.core.tcp_proxy import TcpProxy

PREPARE = "ficshelf.downloads.tasks.prepare_download"

# A posted work whose PDF takes a second or two: time enough to kill its worker.
LONG_WORK = """
from tests.factories import WorkFactory
work = WorkFactory(chapters=4, expected_chapter_count=None)
scene = "<p>" + "The archive kept every word of it, and the words went on. " * 400 + "</p>"
work.chapters.update(text=scene, word_count=4400)
print(work.pk)
"""

A_WORK = "from tests.factories import WorkFactory; print(WorkFactory().pk)"

# Many small works, so that a rebuild of the index takes a few seconds.
MANY_WORKS = """
from ficshelf.works.models import Chapter, Language, Work
english = Language.objects.get(short="en")
works = Work.objects.bulk_create(
    Work(title=f"Work {n}", language=english, is_posted=True, word_count=800,
         expected_chapter_count=1, is_complete=True)
    for n in range(4000)
)
text = "<p>" + "words and more words " * 200 + "</p>"
Chapter.objects.bulk_create(
    Chapter(work=work, position=1, text=text, word_count=800) for work in works
)
"""


@sqlite_run_only
def test_a_pdf_whose_worker_was_killed_is_made_by_the_restarted_worker(tmp_path: Path) -> None:
    with archive_in(tmp_path) as archive:
        work_id = archive.django(LONG_WORK)
        port = free_port()
        process = serve(archive, port)
        pdf = f"http://127.0.0.1:{port}/downloads/{work_id}/long.pdf"
        assert fetch(pdf)[0] == 202  # "being prepared": the worker makes it

        assert wait_until(lambda: archive.tasks_of(PREPARE) == [("RUNNING", "")])
        worker = child_running(process, "ficshelf worker")
        assert worker is not None
        os.kill(worker, signal.SIGKILL)

        # The page the reader waits on asks again every few seconds, as a browser would.
        def made() -> bool:
            status, headers, _body = fetch(pdf)
            time.sleep(0.5)
            return status == 200 and headers["Content-Type"] == "application/pdf"

        assert wait_until(made, timeout=90)
        tasks = archive.tasks_of(PREPARE)
    assert tasks[0] == ("FAILED", "ficshelf.core.recovery.WorkerStopped")
    assert tasks[-1] == ("SUCCESSFUL", "")
    assert archive.query("SELECT count(*) FROM downloads_preparation", []) == [(0,)]
    assert f"The PDF of work {work_id} was being made by a stopped worker" in archive.output_of(
        process
    )


def index_folders(archive: Archive) -> set[str]:
    return {folder.name for folder in (archive.folder / "search").glob("index-*")}


@sqlite_run_only
def test_a_reindex_killed_while_building_leaves_nothing_after_the_next_start(
    tmp_path: Path,
) -> None:
    with archive_in(tmp_path) as archive:
        archive.django(MANY_WORKS)
        assert archive.ficshelf("reindex", "--quiet").returncode == 0
        live = index_folders(archive)
        assert len(live) == 1

        reindex = archive.start("reindex", "--quiet")
        assert wait_until(lambda: len(index_folders(archive)) == 2, timeout=60)
        reindex.send_signal(signal.SIGKILL)
        reindex.wait()
        assert len(index_folders(archive)) == 2  # the half-built folder stays behind

        worker = archive.start("worker")
        assert wait_until(lambda: index_folders(archive) == live, timeout=60)
        assert worker.poll() is None
        search = archive.django(
            "from ficshelf.search.backends import get_backend\n"
            "from ficshelf.search.query import WorkQuery\n"
            "print(get_backend().search(WorkQuery(per_page=1, facet_limit=0)).total)"
        )
    assert search == "4000"
    assert "Removed the half-built search index" in archive.output_of(worker)


@sqlite_run_only
def test_pages_answer_503_while_the_database_is_away_and_everything_comes_back(
    tmp_path: Path,
) -> None:
    with archive_in(tmp_path) as archive:
        port = free_port()
        process = serve(archive, port)
        assert wait_until(lambda: child_running(process, "ficshelf worker"))
        worker = child_running(process, "ficshelf worker")
        # Past its start (recovery, then its heartbeat row): the outage meets a running
        # worker, not one still waiting to begin.
        assert wait_until(
            lambda: archive.query("SELECT count(*) FROM core_workerheartbeat", [])[0][0] == 1
        )
        database = tmp_path / "ficshelf.sqlite3"

        database.rename(tmp_path / "away.sqlite3")
        database.mkdir()  # SQLite cannot open a folder: the database is away
        status, headers, body = fetch(f"http://127.0.0.1:{port}/works/")
        health_status, _headers, health = fetch(f"http://127.0.0.1:{port}/health")
        time.sleep(4)  # the worker meets the outage too
        worker_during = child_running(process, "ficshelf worker")

        database.rmdir()
        (tmp_path / "away.sqlite3").rename(database)
        assert wait_until(lambda: fetch(f"http://127.0.0.1:{port}/works/")[0] == 200)
        task_id = archive.django(
            "from ficshelf.search.tasks import drain_index_queue as d; print(d.enqueue().id)"
        )
        assert wait_until(lambda: archive.task_row(task_id)[0] == "SUCCESSFUL", timeout=60)
        assert process.poll() is None
    assert status == 503
    assert headers["Retry-After"] == "60"
    assert b"briefly unavailable" in body
    assert health_status == 503
    assert b'"database": {"ok": false' in health
    assert worker_during == worker  # waited for the database instead of exiting
    output = archive.output_of(process)
    assert "The worker lost the database (unable to open database file)" in output
    assert "The worker has the database again." in output
    assert "Traceback" not in output


@postgres_run_only
def test_a_postgresql_restart_is_waited_out_with_503_meanwhile(tmp_path: Path) -> None:
    """The issue's case: PostgreSQL away for 2.7 seconds under a running archive."""
    with postgres_database(os.environ["DATABASE_URL"]) as url:
        parts = urlsplit(url)
        proxy = TcpProxy((parts.hostname or "127.0.0.1", parts.port or 5432))
        proxy.start()
        user = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
        through_proxy = urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{proxy.port}"))
        with archive_in(tmp_path, through_proxy) as archive:
            work_id = archive.django(A_WORK)
            port = free_port()
            process = serve(archive, port)
            # A work page reads the database each time (guest listings may come from the
            # cache for a while).
            works = f"http://127.0.0.1:{port}/works/{work_id}/"
            assert fetch(works)[0] == 200  # the web process now holds a connection
            assert wait_until(lambda: child_running(process, "ficshelf worker"))
            worker = child_running(process, "ficshelf worker")

            proxy.cut()
            started = time.monotonic()
            during = [fetch(works)[0] for _ in range(3)]
            health_during = fetch(f"http://127.0.0.1:{port}/health")[0]
            time.sleep(max(2.7 - (time.monotonic() - started), 0))
            proxy.start()

            assert wait_until(lambda: fetch(works)[0] == 200, timeout=30)
            task_id = archive.django(
                "from ficshelf.search.tasks import drain_index_queue as d; print(d.enqueue().id)"
            )
            assert wait_until(lambda: archive.task_row(task_id)[0] == "SUCCESSFUL", timeout=60)
            assert child_running(process, "ficshelf worker") == worker
            assert process.poll() is None
        proxy.cut()
    assert during == [503, 503, 503]
    assert health_during == 503
    output = archive.output_of(process)
    assert "Traceback" not in output
    assert "stopped unexpectedly" not in output
