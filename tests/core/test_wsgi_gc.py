"""The web process tunes the garbage collector once the app is loaded (ficshelf/wsgi.py)."""

from __future__ import annotations

import os
import subprocess
import sys


def test_the_web_application_freezes_what_it_loaded_and_raises_the_first_threshold() -> None:
    script = (
        "import gc, ficshelf.wsgi; print(gc.get_freeze_count() > 10_000, gc.get_threshold()[0])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ficshelf.settings"}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    ).stdout.split()
    assert out == ["True", "50000"]
