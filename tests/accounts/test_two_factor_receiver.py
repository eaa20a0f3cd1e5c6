"""A sign-in notes in the session whether the account has two-factor on: the receiver is
connected once the apps are ready, before any request imports the middleware."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_the_sign_in_receiver_is_connected_before_the_first_request(tmp_path: Path) -> None:
    env = {**os.environ, "FICSHELF_DATA_DIR": str(tmp_path)}
    code = (
        "import django, os\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'ficshelf.settings')\n"
        "django.setup()\n"
        "from django.contrib.auth.signals import user_logged_in\n"
        "names = [getattr(entry[1](), '__module__', '') for entry in user_logged_in.receivers]\n"
        "print('ficshelf.accounts.two_factor' in names)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
