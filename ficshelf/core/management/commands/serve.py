"""``ficshelf serve``: the whole archive on one machine, in one command.

Waits for the database and applies migrations, recovers what a crash left
(``core.recovery``), then runs the web server (gunicorn) and the background worker
(``ficshelf worker``) as child processes, and keeps them running (``core.supervisor``): a
child that dies is started again with a growing pause, and the other goes on meanwhile.
With ``FICSHELF_SEARCH=per-host-embedded`` a third child, ``ficshelf search-indexer``,
keeps this server's own search index (``--no-worker`` servers too).
It also enqueues periodic work for the worker (``core.periodic``), waiting out a database
that is away. Ctrl-C or SIGTERM stops both children; a second Ctrl-C stops them at once.
``--dev`` uses Django's auto-reloading development server.

What it prints is what an operator needs: where the archive runs, problems, restarts.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from ficshelf.core import servers
from ficshelf.core.database import (
    DATABASE_AWAY_ERRORS,
    describe,
    drop_connections,
    wait_for_database,
)
from ficshelf.core.periodic import PeriodicSchedule, enqueue
from ficshelf.core.recovery import recover
from ficshelf.core.supervisor import STOP_TIMEOUT, Child

# While the database is away, periodic work that is due is tried again this often.
ENQUEUE_RETRY_SECONDS = 5.0
# Connections the kernel holds while no web process accepts (gunicorn's default).
LISTEN_BACKLOG = 2048
# "Still waiting for the database" at most this often.
WAITING_NOTICE_SECONDS = 60.0


class Command(BaseCommand):
    help = "Run the archive: migrate, then start the web server and the background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("FICSHELF_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("FICSHELF_PORT", "8000"))
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("FICSHELF_WEB_WORKERS", "2")),
            help="Web server processes (default 2).",
        )
        parser.add_argument("--no-worker", action="store_true", help="Do not run the worker.")
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="Do not enqueue periodic work (digest mails, draft purge); run it from cron.",
        )
        parser.add_argument(
            "--access-log",
            action="store_true",
            help="Print a line per request (a reverse proxy usually keeps these).",
        )
        parser.add_argument("--dev", action="store_true", help="Django's development server.")

    def handle(self, *args: Any, **options: Any) -> None:
        # Listening here, not in gunicorn: a restarted web server takes over the same
        # socket, and requests arriving meanwhile wait in its queue instead of being
        # refused. It also says at once, clearly, when the port is taken.
        listener = _listen(options["host"], options["port"])
        if options["dev"]:
            listener.close()  # runserver binds for itself
        self.stopping = False
        self.stop_requests = 0
        signal.signal(signal.SIGTERM, self._ask_to_stop)
        signal.signal(signal.SIGINT, self._ask_to_stop)
        if not self._wait_for_database_to("be migrated", _migrate):
            return
        if not self._wait_for_database_to("recover after a crash", recover) or self.stopping:
            return
        runs_worker = not options["no_worker"]
        if not self._wait_for_database_to("record this server", self._announcer(runs_worker)):
            return
        self._say_what_several_servers_lack()
        address = f"{options['host']}:{options['port']}"
        children = []
        if not options["no_worker"]:
            children.append(Child("worker", _worker_command(), say=self._say))
        if settings.FICSHELF_SEARCH == "per-host-embedded":
            # This server's own search index follows the queue (decision 0025), with or
            # without a worker here.
            children.append(Child("search indexer", _indexer_command(), say=self._say))
        web = _web_command(address, listener.fileno(), options)
        pass_fds = () if options["dev"] else (listener.fileno(),)
        children.append(Child("web server", web, say=self._say, pass_fds=pass_fds))
        for child in children:
            child.start()
        self._say(f"Ficshelf is running at http://{address}/  (Ctrl-C stops it)")
        schedule = None if options["no_schedule"] or options["no_worker"] else PeriodicSchedule()
        try:
            self._supervise(children, schedule, self._announcer(runs_worker))
        finally:
            self._stop(children)
            servers.leave()

    # Waiting for the database at start

    def _wait_for_database_to(self, purpose: str, attempt: Any) -> bool:
        """Run ``attempt`` once the database answers; False when asked to stop meanwhile."""
        last_notice: float | None = None

        def on_wait(error: BaseException, seconds: float) -> None:
            nonlocal last_notice
            now = time.monotonic()
            if last_notice is None or now - last_notice >= WAITING_NOTICE_SECONDS:
                self._say(f"Waiting for the database to {purpose} ({describe(error)}) ...")
                last_notice = now

        def sleep(seconds: float) -> None:
            deadline = time.monotonic() + seconds
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(0.1)
            if self.stopping:
                raise _StoppedWhileWaiting

        try:
            wait_for_database(attempt, on_wait=on_wait, sleep=sleep)
        except _StoppedWhileWaiting:
            self._say("Stopped while waiting for the database.")
            return False
        if last_notice is not None:
            self._say("The database answers.")
        return True

    # Running

    def _supervise(
        self,
        children: list[Child],
        schedule: PeriodicSchedule | None,
        announce: Callable[[], None] | None = None,
    ) -> None:
        waiting: list[str] = []  # periodic work that is due but could not be enqueued yet
        retry_at = 0.0
        database_away = False
        announce_at = time.monotonic() + servers.BEAT_SECONDS
        while not self.stopping:
            for child in children:
                child.watch()
            if announce is not None and time.monotonic() >= announce_at:
                announce_at = time.monotonic() + servers.BEAT_SECONDS
                close_old_connections()
                try:
                    announce()
                except DATABASE_AWAY_ERRORS:
                    drop_connections()  # said below by the periodic work, if any; tried again
            if schedule is not None:
                waiting.extend(path for path in schedule.due() if path not in waiting)
            if waiting and time.monotonic() >= retry_at:
                # No request cycle here closes a connection the database dropped.
                close_old_connections()
                try:
                    while waiting:
                        enqueue(waiting[0])
                        waiting.pop(0)
                    if database_away:
                        self._say("The database is back: periodic work is enqueued again.")
                        database_away = False
                except DATABASE_AWAY_ERRORS as error:
                    drop_connections()
                    if not database_away:
                        self._say(
                            f"Periodic work waits for the database ({describe(error)}); "
                            "the archive answers 503 until it is back."
                        )
                        database_away = True
                    retry_at = time.monotonic() + ENQUEUE_RETRY_SECONDS
            time.sleep(0.2)

    def _announcer(self, runs_worker: bool) -> Callable[[], None]:
        return lambda: servers.announce(runs_worker=runs_worker)

    def _say_what_several_servers_lack(self) -> None:
        """With several servers on the database, what ``check --deploy`` would refuse, said
        at start too: the archive runs, but its servers disagree until it is set."""
        from ficshelf.core.checks import check_several_servers

        for problem in check_several_servers(None):
            if problem.is_serious():
                self._say(f"{problem.msg} {problem.hint} ({problem.id})")

    def _ask_to_stop(self, signum: int, frame: object) -> None:
        self.stop_requests += 1
        self.stopping = True

    def _stop(self, children: list[Child]) -> None:
        for child in children:
            child.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in children:
            while child.process is not None and child.process.poll() is None:
                if self.stop_requests > 1 or time.monotonic() >= deadline:
                    break  # a second Ctrl-C, or too slow: killed below
                time.sleep(0.1)
        for child in children:
            if self.stop_requests > 1:
                child.kill()
            else:
                child.wait_or_kill(deadline)

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()


class _StoppedWhileWaiting(Exception):
    pass


def _migrate() -> None:
    call_command("migrate", interactive=False, verbosity=0)


def _listen(host: str, port: int) -> socket.socket:
    bare_host = host.strip("[]")
    family = socket.AF_INET6 if ":" in bare_host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((bare_host, port))
        listener.listen(LISTEN_BACKLOG)
    except OSError as problem:
        listener.close()
        if problem.errno == errno.EADDRINUSE:
            raise CommandError(
                f"Port {port} on {host} is taken by another program: stop it, or choose "
                "another port with --port or FICSHELF_PORT."
            ) from None
        raise CommandError(f"Cannot listen on {host}:{port}: {problem.strerror}.") from None
    return listener


def _worker_command() -> list[str]:
    return [sys.executable, "-m", "ficshelf", "worker"]


def _indexer_command() -> list[str]:
    return [sys.executable, "-m", "ficshelf", "search-indexer"]


def _web_command(address: str, listener_fd: int, options: dict[str, Any]) -> list[str]:
    if options["dev"]:
        return [sys.executable, "-m", "ficshelf", "runserver", address]
    command = [
        sys.executable, "-m", "gunicorn", "ficshelf.wsgi:application",
        "--bind", f"fd://{listener_fd}", "--workers", str(options["workers"]),
        "--graceful-timeout", "5",
        # gunicorn's start-up lines are noise; its warnings and errors are not.
        "--log-level", "warning",
    ]  # fmt: skip
    if options["access_log"]:
        command += ["--access-logfile", "-"]
    return command
