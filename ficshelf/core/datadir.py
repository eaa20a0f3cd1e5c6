"""The data folder: database, search index, caches and the generated secret key.

Never a system path: by default ``~/.local/share/ficshelf`` when a home folder exists,
otherwise ``./ficshelf-data`` in the working directory.
"""

from __future__ import annotations

import secrets
from pathlib import Path


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
    """Read the key made on first start; making it here keeps one per install, not per run."""
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()
