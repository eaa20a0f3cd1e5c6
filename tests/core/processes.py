"""Running the archive's real processes in tests: ``serve``, ``worker``, ``reindex`` and
Django code of its own, on an SQLite archive in a folder of the test's own."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
# Tests of processes on an SQLite archive of their own use no PostgreSQL: the SQLite run has
# them, and the PostgreSQL run its own outage test, instead of running them twice.
sqlite_run_only = pytest.mark.skipif(
    ON_POSTGRES, reason="runs an SQLite archive of its own: part of the SQLite run"
)
postgres_run_only = pytest.mark.skipif(
    not ON_POSTGRES, reason="needs PostgreSQL: part of the run with DATABASE_URL=postgres://..."
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a GET; HTTP errors are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status), dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_for(url: str, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return fetch(url, timeout=5)[0]
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def wait_until(condition: Callable[[], object], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def children_of(pid: int) -> dict[int, str]:
    """A process's children by pid, with their command lines (Linux /proc)."""
    found = {}
    for listing in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in listing.read_text().split():
            with suppress(FileNotFoundError):
                found[int(child)] = Path(f"/proc/{child}/cmdline").read_text().replace("\0", " ")
    return found


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@dataclass
class Archive:
    """An archive in ``folder``: its environment, its database, its processes."""

    folder: Path
    database_url: str | None = None
    processes: list[subprocess.Popen[str]] = field(default_factory=list)
    logs: dict[int, Path] = field(default_factory=dict)
    # More settings for every process of this archive (REDIS_URL, FICSHELF_SECRET_KEY...).
    environment: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["FICSHELF_DATA_DIR"] = str(self.folder)
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        env.update(self.environment)
        return env

    def ficshelf(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ficshelf", *arguments],
            env=self.env,
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def django(self, code: str) -> str:
        """Run ``code`` in a process of its own; what it printed."""
        done = self.ficshelf("shell", "--no-imports", "-c", code)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def start(self, *arguments: str) -> subprocess.Popen[str]:
        """Start ``ficshelf ARGUMENTS``; what it prints goes to a file (``output_of``), so
        a full pipe never blocks it."""
        log = self.folder / f"{arguments[0]}-{len(self.processes)}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "ficshelf", *arguments],
                env={**self.env, "PYTHONUNBUFFERED": "1"},
                cwd=REPOSITORY,
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
            )
        self.processes.append(process)
        self.logs[process.pid] = log
        return process

    def output_of(self, process: subprocess.Popen[str]) -> str:
        return self.logs[process.pid].read_text()

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def query(self, sql: str, parameters: list[object]) -> list[tuple[object, ...]]:
        """Rows read straight from the archive's database, not through Django."""
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url.replace("postgres://", "postgresql://")) as db:
                return list(db.execute(sql.replace("?", "%s"), parameters))  # type: ignore[arg-type]
        with sqlite3.connect(self.folder / "ficshelf.sqlite3", timeout=20) as db:
            return list(db.execute(sql, parameters))

    def task_row(self, task_id: str) -> tuple[str, str]:
        """(status, exception class) of a task."""
        uuid = task_id if self.database_url else task_id.replace("-", "")
        rows = self.query(
            "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult "
            "WHERE id = ?",
            [uuid],
        )
        return (str(rows[0][0]), str(rows[0][1])) if rows else ("", "")

    def tasks_of(self, task_path: str) -> list[tuple[str, str]]:
        rows = self.query(
            "SELECT status, exception_class_path FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = ? ORDER BY enqueued_at",
            [task_path],
        )
        return [(str(status), str(exception)) for status, exception in rows]


@contextmanager
def archive_in(
    folder: Path, database_url: str | None = None, environment: dict[str, str] | None = None
) -> Iterator[Archive]:
    archive = Archive(folder, database_url, environment=dict(environment or {}))
    done = archive.ficshelf("migrate", "-v", "0")
    assert done.returncode == 0, done.stderr
    try:
        yield archive
    finally:
        archive.stop_all()


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the PostgreSQL server of ``server_url``; dropped after."""
    import psycopg

    parts = urlsplit(server_url.replace("postgres://", "postgresql://"))
    name = f"{parts.path.lstrip('/') or 'ficshelf'}_process_{secrets.token_hex(4)}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


def serve(archive: Archive, port: int, *extra: str) -> subprocess.Popen[str]:
    process = archive.start("serve", "--port", str(port), "--workers", "1", *extra)
    assert wait_for(f"http://127.0.0.1:{port}/health", timeout=60) == 200
    return process


def child_running(process: subprocess.Popen[str], command_part: str) -> int | None:
    for pid, command in children_of(process.pid).items():
        if command_part in command and is_running(pid):
            return pid
    return None
