"""Run by test_ratelimit.py in a process of its own, with the cache settings the test gives
(JSON): waits until a moment the test names, so both processes start at once, then counts
and prints what it saw as JSON. Not a test module itself.

    python -m tests.core.counting_process CACHE_JSON START_AT incr|attempt TIMES
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    cache_settings, start_at, mode, times = (
        json.loads(sys.argv[1]),
        float(sys.argv[2]),
        sys.argv[3],
        int(sys.argv[4]),
    )
    import django
    from django.conf import settings

    settings.configure(CACHES={"default": cache_settings}, FICSHELF_TRUSTED_PROXIES=0)
    django.setup()
    from django.core.cache import cache

    from ficshelf.core.ratelimit import RateLimit

    cache.add("shared-counter", 0, timeout=600)
    limit = RateLimit("two-processes", limit=700, window_seconds=600)
    while time.time() < start_at:
        time.sleep(0.001)
    allowed = 0
    for _ in range(times):
        if mode == "incr":
            cache.incr("shared-counter")
        elif limit.attempt("one key"):
            allowed += 1
    print(json.dumps({"allowed": allowed}))


if __name__ == "__main__":
    main()
