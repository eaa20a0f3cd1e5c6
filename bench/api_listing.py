"""Benchmark: the API's works listing against the HTML works listing, same corpus, same run.

Usage: .venv/bin/python -m bench.api_listing --data-dir DIR [--duration 10] [--workers 2]

DIR is a Ficshelf data folder with a corpus and its index (``bench.traffic_data`` leaves
one). One gunicorn (``bench.listing_load``'s), wrk on the same cores, each row after a
warm-up, with the static-file baseline of the same server first:

- ``static``: a file served by whitenoise from the same process (the ceiling);
- ``/works/`` as a guest (the page is kept whole, ``search.page_cache``) and signed in
  (the listing part is kept, the header is rendered per request);
- ``/api/v1/works`` as a guest and with a member's read token, and with ``facets=true``
  (the tag counts the HTML sidebar shows): the answer is kept as the HTML listing's part
  is (``search.page_cache``), the token is checked and counted on every request;
- every page new: the same pages of both in every sort, each request one not asked for yet
  (``/works/?sort=S&page=N`` against ``/api/v1/works?sort=S&cursor=...``).

The API's request limit is lifted for the run (``FICSHELF_API_REQUESTS_PER_MINUTE``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from bench.listing_load import (
    SORTS,
    STATIC_PATH,
    check_ok,
    every_page_new_script,
    member_session,
    run_wrk,
    start_server,
    stop_server,
    wait_until_up,
)

PAGES_PER_SORT = 120
_TOKEN = """
import django; django.setup()
from ficshelf.accounts.models import User
from ficshelf.api.tokens import make_token
u = User.objects.filter(username='benchmark_reader').first() or User.objects.create_user(
    'benchmark_reader', 'reader@example.org', 'unused pw 9')
print(make_token(u, 'benchmark', ['read'], 7))
"""
_CURSORS = """
import django; django.setup()
import sys
from ficshelf.api.listing import WorkFilters, _cursor, _digest
sorts, first, count = sys.argv[1].split(","), int(sys.argv[2]), int(sys.argv[3])
for page in range(first, first + count):
    for sort in sorts:
        print(f"/api/v1/works?sort={sort}&cursor={_cursor(page, _digest(WorkFilters(sort=sort)))}")
"""


def _python(code: str, env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env={**env, "DJANGO_SETTINGS_MODULE": "ficshelf.settings"},
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def api_pages_script(env: dict[str, str], first: int, name: str) -> str:
    """A wrk script walking API pages no request has asked for yet, in every sort (the same
    pages ``every_page_new_script`` walks in the HTML listing)."""
    paths = _python(_CURSORS, env, ",".join(SORTS), str(first), str(PAGES_PER_SORT)).split()
    listed = ",\n".join(f'"{path}"' for path in paths)
    script = f"""
local paths = {{
{listed}
}}
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
local n = 0
function request()
  n = n + 1
  local k = n * 2 + id
  return wrk.format(nil, paths[(k % #paths) + 1])
end
"""
    handle = Path(f"/tmp/ficshelf-api-pages-{name}.lua")
    handle.write_text(script)
    return str(handle)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    env = {
        **os.environ,
        "FICSHELF_DATA_DIR": str(args.data_dir),
        "PYTHONUNBUFFERED": "1",
        "FICSHELF_API_REQUESTS_PER_MINUTE": str(10**9),
    }
    member_cookie = f"Cookie: sessionid={member_session(env)}"
    token_header = f"Authorization: Bearer {_python(_TOKEN, env).split()[-1]}"
    html_pages = every_page_new_script("/works/", 1, "api-bench-html")
    api_pages = api_pages_script(env, 1, "run")
    rows: list[tuple[str, dict[str, float]]] = []
    process = start_server("gunicorn", args.port, args.workers, env)
    try:
        base = f"http://127.0.0.1:{args.port}"
        wait_until_up(base + STATIC_PATH)
        for label, path, header, script in [
            ("static", STATIC_PATH, "", None),
            ("HTML /works/ (guest, kept page)", "/works/", "", None),
            ("HTML /works/ (signed in, kept part)", "/works/", member_cookie, None),
            ("API /api/v1/works (guest)", "/api/v1/works", "", None),
            ("API /api/v1/works (read token)", "/api/v1/works", token_header, None),
            ("API /api/v1/works?facets=true (guest)", "/api/v1/works?facets=true", "", None),
            ("HTML /works/, every page new (signed in)", "/works/", member_cookie, html_pages),
            ("API /api/v1/works, every page new (guest)", "/api/v1/works", "", api_pages),
        ]:
            check_ok(base + path, header.removeprefix("Cookie: ") if "Cookie" in header else "")
            # The warm-up walks the same pages: "every page new" rows are then warm for the
            # index but each of their requests is still one the cache has not kept.
            run_wrk_with(base + path, args.connections, 3, header, None)
            result = run_wrk_with(base + path, args.connections, args.duration, header, script)
            rows.append((label, result))
            print(label, result, flush=True)
    finally:
        stop_server(process)
    static = rows[0][1]["rps"]
    print()
    print(
        f"| page | req/s | p50 ms | p99 ms | errors | of static |  (gunicorn {args.workers} "
        f"workers, wrk 2 threads, {args.connections} connections, {args.duration} s)"
    )
    print("|---|---|---|---|---|---|")
    for label, r in rows:
        print(
            f"| {label} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['errors']} | "
            f"{r['rps'] / static:.2f} |"
        )


def run_wrk_with(
    url: str, connections: int, seconds: int, header: str, script: str | None
) -> dict[str, float]:
    """``listing_load.run_wrk`` with any one header (a cookie or a token)."""
    if header.startswith("Cookie: "):
        return run_wrk(url, 2, connections, seconds, header.removeprefix("Cookie: "), script)
    if not header:
        return run_wrk(url, 2, connections, seconds, "", script)
    from bench.listing_load import parse_wrk

    options = ["-H", header] + (["-s", script] if script else [])
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *options, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return parse_wrk(out)


if __name__ == "__main__":
    main()
