"""``ficshelf serve``: the whole archive on one machine, in one command.

Applies migrations, then runs the background worker (django-tasks' database worker) and
the web server (gunicorn) as child processes, enqueues periodic work for the worker
(``ficshelf.core.periodic``), and stops both children when either stops or the operator
presses Ctrl-C. ``--dev`` uses Django's auto-reloading development server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from ficshelf.core.periodic import PeriodicSchedule, enqueue


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
        parser.add_argument("--dev", action="store_true", help="Django's development server.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        address = f"{options['host']}:{options['port']}"
        children = []
        if not options["no_worker"]:
            children.append(_spawn([sys.executable, "-m", "ficshelf", "db_worker"]))
        children.append(_spawn(self._web_command(address, options)))
        self.stdout.write(f"Ficshelf is running at http://{address}/  (Ctrl-C stops it)")
        schedule = None if options["no_schedule"] or options["no_worker"] else PeriodicSchedule()
        self._supervise(children, schedule)

    def _web_command(self, address: str, options: dict[str, Any]) -> list[str]:
        if options["dev"]:
            return [sys.executable, "-m", "ficshelf", "runserver", address]
        return [
            sys.executable, "-m", "gunicorn", "ficshelf.wsgi:application",
            "--bind", address, "--workers", str(options["workers"]),
            "--access-logfile", "-", "--graceful-timeout", "5",
        ]  # fmt: skip

    def _supervise(
        self, children: list[subprocess.Popen[bytes]], schedule: PeriodicSchedule | None
    ) -> None:
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                for path in schedule.due() if schedule else []:
                    enqueue(path)
                time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
        failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, None)]
        if failed and not stopping:
            sys.exit(f"a child process stopped unexpectedly (exit code {failed[0].returncode})")


def _spawn(command: list[str]) -> subprocess.Popen[bytes]:
    # Unbuffered, so the children's log lines reach the operator (or a log file) at once.
    return subprocess.Popen(command, env={**os.environ, "PYTHONUNBUFFERED": "1"})
