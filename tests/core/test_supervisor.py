"""The supervisor's rules, on real short-lived processes and a clock the test moves."""

from __future__ import annotations

import io
import signal
import socket
import sys
import time
from pathlib import Path

import pytest
from django.db import OperationalError

from ficshelf.core.management.commands import serve
from ficshelf.core.periodic import PeriodicSchedule
from ficshelf.core.supervisor import Backoff, Child, describe_exit
from tests.core.processes import is_running, wait_until


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_pause_doubles_up_to_a_minute_while_a_child_keeps_stopping() -> None:
    backoff = Backoff()
    pauses = [backoff.delay_after(ran_for=2) for _ in range(8)]
    assert pauses == [1, 2, 4, 8, 16, 32, 60, 60]


def test_the_pause_is_short_again_after_a_healthy_minute() -> None:
    backoff = Backoff()
    for _ in range(4):
        backoff.delay_after(ran_for=2)
    assert backoff.delay_after(ran_for=61) == 1
    assert backoff.delay_after(ran_for=2) == 2


def test_an_exit_is_described_for_people() -> None:
    assert describe_exit(-signal.SIGKILL) == "killed by SIGKILL"
    assert describe_exit(3) == "exit code 3"


def exits_with(code: int) -> list[str]:
    return [sys.executable, "-c", f"import sys; sys.exit({code})"]


def test_a_child_that_stops_is_started_again_after_its_pause_with_one_line() -> None:
    clock = Clock()
    said: list[str] = []
    child = Child("worker", exits_with(3), say=said.append, clock=clock)
    child.start()
    first = child.pid
    assert child.process is not None
    child.process.wait()

    child.watch()
    assert said == ["The worker stopped unexpectedly (exit code 3); starting it again in 1 s."]
    assert child.process is None
    clock.now += 0.5
    child.watch()
    assert child.process is None  # not yet
    clock.now += 0.5
    child.watch()
    assert child.pid not in (None, first)
    child.kill()


def test_what_a_dead_child_left_in_its_group_is_stopped(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild"
    command = ["sh", "-c", f"sleep 60 & echo $! > {pid_file}; exit 0"]
    child = Child("web server", command, say=lambda line: None)
    child.start()
    assert child.process is not None
    child.process.wait()
    assert wait_until(lambda: pid_file.exists() and pid_file.read_text().strip())
    grandchild = int(pid_file.read_text())
    assert is_running(grandchild)

    child.watch()

    assert wait_until(lambda: not is_running(grandchild), timeout=10)
    child.kill()


def test_a_child_that_cannot_be_started_is_tried_again_later() -> None:
    said: list[str] = []
    child = Child("worker", ["/nonexistent/program"], say=said.append, clock=Clock())
    child.start()
    assert child.process is None
    assert said[0].startswith("The worker could not start (")
    assert said[0].endswith("starting it again in 1 s.")


@pytest.mark.django_db  # serve's loop closes the connections the database dropped
def test_periodic_work_waits_for_a_database_that_is_away(monkeypatch: pytest.MonkeyPatch) -> None:
    command = serve.Command(stdout=io.StringIO())
    command.stopping = False
    enqueued: list[str] = []

    def enqueue(path: str) -> None:
        if not enqueued:
            enqueued.append("refused")
            raise OperationalError("connection refused")
        enqueued.append(path)
        command.stopping = True

    monkeypatch.setattr(serve, "enqueue", enqueue)
    monkeypatch.setattr(serve, "ENQUEUE_RETRY_SECONDS", 0.0)
    times = iter([0.0, *[3600.0 * n for n in range(1, 1000)]])  # due at every look
    schedule = PeriodicSchedule(tasks=[("digests", 3600.0)], clock=lambda: next(times))

    command._supervise([], schedule)

    assert enqueued == ["refused", "digests"]  # tried again, not dropped nor crashed
    output = command.stdout.getvalue()  # type: ignore[attr-defined]
    assert "Periodic work waits for the database (connection refused)" in output
    assert "The database is back: periodic work is enqueued again." in output


def test_a_second_ctrl_c_stops_the_children_at_once() -> None:
    command = serve.Command(stdout=io.StringIO())
    command.stop_requests = 2
    # A child that ignores SIGTERM, as a worker finishing a long task does.
    stubborn = Child(
        "worker",
        [sys.executable, "-c", "import signal, time; signal.signal(15, signal.SIG_IGN); "
         "print('ready', flush=True); time.sleep(60)"],
        say=lambda line: None,
    )  # fmt: skip
    stubborn.start()
    assert stubborn.process is not None
    time.sleep(0.5)
    started = time.monotonic()

    command._stop([stubborn])

    assert time.monotonic() - started < 2
    assert stubborn.process.wait(timeout=5) == -signal.SIGKILL


def test_serve_refuses_a_port_it_cannot_take() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(serve.CommandError, match=f"Port {port} on 127.0.0.1 is taken"):
            serve._listen("127.0.0.1", port)
