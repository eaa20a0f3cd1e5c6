"""The data folder: database, search index, caches and the generated secret key.

Never a system path: by default ``~/.local/share/ficshelf`` when a home folder exists,
otherwise ``./ficshelf-data`` in the working directory.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Django's own check (security.W009) wants at least 50 characters; the key made here has 67.
MIN_SECRET_KEY_LENGTH = 50


def resolve_data_dir(configured: str | None) -> Path:
    if configured:
        path = Path(configured).expanduser()
    else:
        home = Path.home() if Path.home().is_dir() else None
        path = home / ".local" / "share" / "ficshelf" if home else Path.cwd() / "ficshelf-data"
    path = path.resolve()
    # static/ exists up front so whitenoise does not warn before collectstatic ever ran.
    (path / "static").mkdir(parents=True, exist_ok=True)
    return path


def secret_key_from(data_dir: Path) -> str:
    """Read the key made on first start; making it here keeps one per install, not per run.

    The file appears whole or not at all: a first start on a full disk once left an empty
    file, and every request after signed with an empty key. An empty or short file is
    refused with a message naming it, never used.
    """
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        _create_key_file(key_file, secrets.token_urlsafe(50))
    key = key_file.read_text().strip()
    if len(key) < MIN_SECRET_KEY_LENGTH:
        state = "empty" if not key else f"only {len(key)} characters long"
        raise ImproperlyConfigured(
            f"The secret key file {key_file} is {state} (it needs at least "
            f"{MIN_SECRET_KEY_LENGTH}); it may have been cut short when the disk was full. "
            "Put back the key from a backup, or delete the file to have a new one made "
            "(everyone signed in is then signed out), or set FICSHELF_SECRET_KEY."
        )
    return key


def _create_key_file(key_file: Path, key: str) -> None:
    """Write ``key`` to a file beside ``key_file``, on disk, then link it into place: the
    name appears only with the whole key behind it."""
    handle, temporary = tempfile.mkstemp(dir=key_file.parent, prefix=".secret_key.")
    try:
        with os.fdopen(handle, "w") as file:  # mkstemp makes it readable by its owner only
            file.write(key)
            file.flush()
            os.fsync(file.fileno())
        # Another process starting at the same time may have made it first: its key wins.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, key_file)
        _sync_folder(key_file.parent)
    except OSError as error:
        raise ImproperlyConfigured(
            f"Could not write the secret key to {key_file}: {error.strerror or error}"
            f"{' (the disk is full)' if error.errno == errno.ENOSPC else ''}."
        ) from None
    finally:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
