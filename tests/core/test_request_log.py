"""Log lines an operator can follow: a request id on every answer and every line, and with
FICSHELF_LOG_FORMAT=json one JSON object per line, one per request with its latency."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from ficshelf.core.request_log import JsonFormatter, RequestIdFilter, request_logger

pytestmark = pytest.mark.django_db


def test_every_answer_names_its_request_and_keeps_a_proxys_id() -> None:
    client = Client()
    first, second = client.get("/works/"), client.get("/works/")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]
    kept = client.get("/works/", headers={"X-Request-ID": "edge-1234abcd"})
    assert kept["X-Request-ID"] == "edge-1234abcd"
    # An id that could break a log line (or flood it) is replaced, not echoed.
    for bad in ("a b c d e f g h", "x" * 65, "short", "id\\u0000null"):
        assert client.get("/works/", headers={"X-Request-ID": bad})["X-Request-ID"] != bad


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.addFilter(RequestIdFilter())
        self.lines: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


def test_a_request_is_one_json_line_with_its_latency_and_id() -> None:
    handler = Lines()
    request_logger.addHandler(handler)
    level = request_logger.level
    request_logger.setLevel(logging.INFO)
    try:
        response = Client().get("/works/?page=1")
    finally:
        request_logger.removeHandler(handler)
        request_logger.setLevel(level)
    [line] = handler.lines
    assert line["request_id"] == response["X-Request-ID"]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/works/", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "INFO" and line["logger"] == "ficshelf.requests"
    assert str(line["time"]).endswith("+00:00")


def test_an_error_logged_during_a_request_carries_its_id() -> None:
    handler = Lines()
    errors = logging.getLogger("django.request")
    errors.addHandler(handler)
    try:
        response = Client().get("/works/999999999/")
    finally:
        errors.removeHandler(handler)
    assert response.status_code == 404
    assert any(line.get("request_id") == response["X-Request-ID"] for line in handler.lines)


def _run(tmp_path: Path, log_format: str) -> subprocess.CompletedProcess[str]:
    """A process of its own with the format set, as an operator runs the archive: it answers
    one request through the real logging settings."""
    env = {**os.environ, "FICSHELF_DATA_DIR": str(tmp_path), "FICSHELF_LOG_FORMAT": log_format}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    code = (
        "import django, os, logging\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'ficshelf.settings')\n"
        "django.setup()\n"
        "from django.test import Client\n"
        "from django.test.utils import setup_test_environment\n"
        "setup_test_environment()\n"
        "logging.getLogger('ficshelf').warning('a warning')\n"
        "Client().get('/health')\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_settings_make_json_lines_and_text_lines_with_time_and_level(tmp_path: Path) -> None:
    done = _run(tmp_path, "json")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    assert {"level": "WARNING", "message": "a warning"}.items() <= lines[0].items()
    request = next(line for line in lines if line["logger"] == "ficshelf.requests")
    assert request["path"] == "/health" and "duration_ms" in request and request["request_id"]

    text = _run(tmp_path, "text")
    assert text.returncode == 0, text.stderr
    [warning] = [line for line in text.stderr.splitlines() if "a warning" in line]
    assert " WARNING ficshelf " in warning and warning[:4].isdigit()  # starts with the date
    assert "/health" not in text.stderr  # one line per request only in the json format


def test_an_unknown_format_is_named(tmp_path: Path) -> None:
    done = _run(tmp_path, "xml")
    assert done.returncode != 0 and "FICSHELF_LOG_FORMAT must be text or json" in done.stderr
