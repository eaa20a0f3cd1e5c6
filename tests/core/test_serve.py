"""`ficshelf serve` starts the archive on the embedded default, keeps its web server and
worker running (a killed one is started again), says only what an operator needs, and
stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

from tests.core.processes import (
    archive_in,
    child_running,
    children_of,
    fetch,
    free_port,
    is_running,
    serve,
    sqlite_run_only,
    wait_for,
    wait_until,
)

pytestmark = sqlite_run_only

RESTARTED_WORKER = "The worker stopped unexpectedly (killed by SIGKILL); starting it again in 1 s."


def test_serve_migrates_and_answers_on_sqlite_with_a_worker(tmp_path: Path) -> None:
    with archive_in(tmp_path) as archive:
        port = free_port()
        process = serve(archive, port)
        assert wait_for(f"http://127.0.0.1:{port}/admin/login/", timeout=60) == 200
        assert (tmp_path / "ficshelf.sqlite3").exists()
        assert wait_until(lambda: child_running(process, "ficshelf worker"))
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    assert f"running at http://127.0.0.1:{port}/" in archive.output_of(process)


def test_serve_prints_where_it_runs_and_not_a_line_per_request_or_task(tmp_path: Path) -> None:
    with archive_in(tmp_path) as archive:
        port = free_port()
        process = serve(archive, port)
        for _ in range(5):
            assert fetch(f"http://127.0.0.1:{port}/works/")[0] == 200
        archive.django("from ficshelf.search.tasks import drain_index_queue as d; d.enqueue()")
        assert wait_until(
            lambda: (
                archive.tasks_of("ficshelf.search.tasks.drain_index_queue") == [("SUCCESSFUL", "")]
            )
        )
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    lines = archive.output_of(process).splitlines()
    assert lines == [f"Ficshelf is running at http://127.0.0.1:{port}/  (Ctrl-C stops it)"]


def test_a_killed_worker_is_started_again_while_the_site_keeps_answering(
    tmp_path: Path,
) -> None:
    with archive_in(tmp_path) as archive:
        port = free_port()
        process = serve(archive, port)
        assert wait_until(lambda: child_running(process, "ficshelf worker"))
        killed = child_running(process, "ficshelf worker")
        assert killed is not None

        os.kill(killed, signal.SIGKILL)
        answers = [fetch(f"http://127.0.0.1:{port}/works/")[0] for _ in range(10)]
        assert wait_until(lambda: child_running(process, "ficshelf worker") not in (None, killed))
        # The new worker runs what is queued.
        task_id = archive.django(
            "from ficshelf.search.tasks import drain_index_queue as d; print(d.enqueue().id)"
        )
        assert wait_until(lambda: archive.task_row(task_id)[0] == "SUCCESSFUL")
        assert process.poll() is None
    assert answers == [200] * 10
    assert RESTARTED_WORKER in archive.output_of(process)


def test_a_killed_web_server_is_started_again_on_the_same_port(tmp_path: Path) -> None:
    with archive_in(tmp_path) as archive:
        port = free_port()
        process = serve(archive, port)
        master = child_running(process, "gunicorn")
        assert master is not None
        web_processes = list(children_of(master))
        assert web_processes

        os.kill(master, signal.SIGKILL)
        # Requests meanwhile are answered, or wait for the new web server: none is refused.
        assert fetch(f"http://127.0.0.1:{port}/works/", timeout=30)[0] == 200
        assert wait_until(lambda: child_running(process, "gunicorn") not in (None, master))
        # What the dead master left finishes its request and goes, within seconds.
        assert wait_until(lambda: not any(is_running(pid) for pid in web_processes), 15)
        assert fetch(f"http://127.0.0.1:{port}/works/", timeout=30)[0] == 200
    assert "The web server stopped unexpectedly (killed by SIGKILL)" in archive.output_of(process)


def test_a_worker_that_keeps_dying_is_started_again_after_longer_pauses(
    tmp_path: Path,
) -> None:
    with archive_in(tmp_path) as archive:
        port = free_port()
        process = serve(archive, port)
        for _ in range(3):
            assert wait_until(lambda: child_running(process, "ficshelf worker"))
            worker = child_running(process, "ficshelf worker")
            assert worker is not None
            os.kill(worker, signal.SIGKILL)
            assert wait_until(lambda w=worker: not is_running(w))
        assert wait_until(lambda: child_running(process, "ficshelf worker"), timeout=10)
    pauses = [
        line.rsplit(" again in ", 1)[1]
        for line in archive.output_of(process).splitlines()
        if line.startswith("The worker stopped unexpectedly")
    ]
    assert pauses == ["1 s.", "2 s.", "4 s."]


def test_serve_stops_quickly_and_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    with archive_in(tmp_path) as archive:
        port = free_port()
        process = serve(archive, port)
        children = list(children_of(process.pid))
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        assert time.monotonic() - started < 10
        assert not any(is_running(pid) for pid in children)


def test_a_taken_port_is_one_clear_line_and_exit_code_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with archive_in(tmp_path) as archive:
            done = archive.ficshelf("serve", "--port", str(port))
    assert done.returncode == 1
    assert f"Port {port} on 127.0.0.1 is taken by another program" in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_waits_for_a_database_away_at_start(tmp_path: Path) -> None:
    with archive_in(tmp_path) as archive:
        database = tmp_path / "ficshelf.sqlite3"
        database.rename(tmp_path / "away.sqlite3")
        database.mkdir()  # SQLite cannot open a folder: "unable to open database file"
        port = free_port()
        process = archive.start("serve", "--port", str(port), "--workers", "1")
        assert wait_until(lambda: "Waiting for the database" in archive.output_of(process))
        assert process.poll() is None

        database.rmdir()
        (tmp_path / "away.sqlite3").rename(database)
        assert wait_for(f"http://127.0.0.1:{port}/health", timeout=60) == 200
    output = archive.output_of(process)
    assert "Waiting for the database to be migrated (unable to open database file) ..." in output
    assert "The database answers." in output
