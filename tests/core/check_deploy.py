"""``ficshelf check --deploy`` run as an operator runs it: a process of its own, with the
environment given, never the async switch Playwright's tests turn on in this one."""

from __future__ import annotations

import subprocess
import sys


def run_check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in env.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    done = subprocess.run(
        [sys.executable, "-m", "ficshelf", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done
