"""Another process on the same shared cache, for tests: run with the cache settings the
test gives (JSON), it waits until a moment the test names (so two start at once), does
what it is asked and prints what it saw as JSON. Not a test module itself.

    python -m tests.core.cache_process CACHE_JSON START_AT incr|attempt TIMES
    python -m tests.core.cache_process CACHE_JSON START_AT has KEY
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    cache_settings, start_at, mode, argument = (
        json.loads(sys.argv[1]),
        float(sys.argv[2]),
        sys.argv[3],
        sys.argv[4],
    )
    import django
    from django.conf import settings

    settings.configure(CACHES={"default": cache_settings}, FICSHELF_TRUSTED_PROXIES=0)
    django.setup()
    from django.core.cache import cache

    from ficshelf.core.ratelimit import RateLimit

    if mode == "has":
        print(json.dumps({"found": cache.get(argument) is not None}))
        return
    cache.add("shared-counter", 0, timeout=600)
    limit = RateLimit("two-processes", limit=700, window_seconds=600)
    while time.time() < start_at:
        time.sleep(0.001)
    allowed = 0
    for _ in range(int(argument)):
        if mode == "incr":
            cache.incr("shared-counter")
        elif limit.attempt("one key"):
            allowed += 1
    print(json.dumps({"allowed": allowed}))


if __name__ == "__main__":
    main()
