"""The several-servers search benchmark's full-text setup keeps its own data and results, loads
chapter texts into PostgreSQL only when its backend runs, and reports the text mix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import several_hosts_search as hosts_bench
from bench.several_hosts_search import HostsSetup, ensure_loaded, report


def test_the_text_setup_has_its_own_folder_database_and_results() -> None:
    listing, text = HostsSetup(2000, False), HostsSetup(2000, True)
    # The listing setup keeps the names of the runs before --text (a run is using them).
    assert listing.folder.name == "search-hosts-2000"
    assert listing.database_url.endswith("/bench_search_hosts_2000")
    assert listing.results.name == "search-hosts-2000.json"
    assert text.folder.name == "search-hosts-2000-text"
    assert text.database_url.endswith("/bench_search_hosts_2000_text")
    assert text.results.name == "search-hosts-2000-text.json"
    assert text.flags() == ["--works", "2000", "--text"]
    assert listing.flags() == ["--works", "2000"]


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[list[str]]:
    """The database commands and load children ``ensure_loaded`` would run, recorded."""
    monkeypatch.setattr(hosts_bench, "DATA", tmp_path)
    ran: list[list[str]] = []

    def run(command: list[str], **kwargs: Any) -> None:
        ran.append(command)

    def run_child(setup: HostsSetup, stage: str, *extra: str) -> dict[str, Any]:
        ran.append([stage, *extra])
        return {"seconds": 1.0, "peak_mib": 1.0, "texts": "--load-texts" in extra}

    monkeypatch.setattr(hosts_bench.subprocess, "run", run)
    monkeypatch.setattr(hosts_bench, "run_child", run_child)
    return ran


def test_a_database_without_texts_is_loaded_again_when_postgres_needs_them(
    loads: list[list[str]],
) -> None:
    setup = HostsSetup(2000, True)
    setup.folder.mkdir(parents=True)
    (setup.folder / "loaded.json").write_text(json.dumps({"seconds": 3.0, "texts": False}))
    (setup.folder / "hosts.json").write_text("{}")
    (setup.folder / "chunks.json").write_text("{}")

    loaded = ensure_loaded(setup, texts=True)

    assert loaded["texts"] is True
    assert ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists",
            "bench_search_hosts_2000_text"] in loads  # fmt: skip
    assert ["load", "--load-texts"] in loads
    # The hosts' index and the chunks were built on the dropped database: built again.
    assert not (setup.folder / "hosts.json").exists()
    assert not (setup.folder / "chunks.json").exists()
    assert json.loads((setup.folder / "loaded.json").read_text())["texts"] is True


def test_a_loaded_database_is_kept_when_its_texts_are_not_needed_or_there(
    loads: list[list[str]],
) -> None:
    setup = HostsSetup(2000, True)
    setup.folder.mkdir(parents=True)
    (setup.folder / "hosts.json").write_text("{}")
    for texts, needed in ((False, False), (True, False), (True, True)):
        (setup.folder / "loaded.json").write_text(json.dumps({"seconds": 3.0, "texts": texts}))
        assert ensure_loaded(setup, texts=needed)["texts"] is texts
    assert loads == []
    assert (setup.folder / "hosts.json").exists()


def test_a_new_text_setup_without_postgres_loads_no_texts(loads: list[list[str]]) -> None:
    loaded = ensure_loaded(HostsSetup(2000, True), texts=False)
    assert loaded["texts"] is False
    assert ["load"] in loads


def _timed(p50: float, p95: float, total: int) -> dict[str, Any]:
    return {"runs": 50, "p50": p50, "p95": p95, "total": total}


def test_the_report_of_a_text_run_names_the_mix_the_words_and_every_path() -> None:
    result = {
        "works": 2000,
        "text": True,
        "machine": "2 cores",
        "date": "2026-12-07 11:11 UTC",
        "load": {"seconds": 12.0, "peak_mib": 300.0, "texts": True},
        "chunks": {"seconds": 74.0, "peak_mib": 400.0, "bytes": 256 * 2**20},
        "hosts": {
            "seconds": 18.0,
            "peak_mib": 672.0,
            "text_words": 13_231_455,
            "bytes": 31 * 2**20,
            "seed": 20260226,
        },
        "query": {
            "mix": "text",
            "queries": [
                {
                    "query": "common word (night) + facets",
                    "embedded": _timed(1.8, 7.5, 1534),
                    "per_host": _timed(5.1, 8.4, 1534),
                    "per_host_cached": _timed(1.0, 5.1, 1534),
                    "postgres": _timed(397.2, 875.6, 1534),
                },
                {
                    "query": "rare word (lighthouse)",
                    "embedded": _timed(0.1, 1.2, 44),
                    "per_host": _timed(3.1, 5.9, 44),
                    "postgres": _timed(28.1, 35.6, 43),
                },
            ],
        },
    }
    text = report(result)
    assert "full-text mix" in text
    assert "seed 20260226, 2,000 works, 13,231,455 words of chapter text" in text
    assert "chapter texts in PostgreSQL: yes" in text
    assert "chunks built in 74 s (256 MiB" in text
    assert "2,000 works, full text: p50 / p95 ms" in text
    assert ("| common word (night) + facets | 1.8 / 7.5 (1,534) | 5.1 / 8.4 (1,534) "
            "| 1.0 / 5.1 (1,534) | 397.2 / 875.6 (1,534) |") in text  # fmt: skip
    assert "| rare word (lighthouse) | 0.1 / 1.2 (44) | 3.1 / 5.9 (44) | - |" in text
    # A path that found other works than the rest is named.
    assert "rare word (lighthouse): {'embedded': 44, 'per_host': 44, 'postgres': 43}" in text
    assert "Change to found: not measured" in text


def test_the_report_reads_a_listing_run_from_before_text() -> None:
    """The results of the 1,000,000-work run are written by the code before this change."""
    result = {
        "works": 1000,
        "machine": "2 cores",
        "date": "2026-12-07 05:50 UTC",
        "load": {"seconds": 1868.0, "peak_mib": 800.0},
        "hosts": {"works": 1000, "seconds": 1831.0, "peak_mib": 1300.0},
        "query": {"queries": [{"query": "all works", "per_host": _timed(21.5, 28.2, 983)}]},
        "visibility": {
            "changes": 100,
            "follow_ms": 500,
            "missed": [],
            "on_b": {"p50": 448.0, "p95": 1068.0, "max": 1402.0},
            "on_both": {"p50": 557.0, "p95": 1160.0, "max": 1402.0},
        },
    }
    text = report(result)
    assert "listing mix" in text and "no chapter texts" in text
    assert "| all works | - | 21.5 / 28.2 (983) | - | - |" in text
    assert "on host B p50 448 ms, p95 1068 ms, max 1402 ms" in text
    assert "different totals" not in text
