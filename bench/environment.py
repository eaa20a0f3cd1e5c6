"""What several benchmarks share about where they run: the machine's CPU, and pointing the
process (and the servers it starts) at a data folder of its own."""

from __future__ import annotations

import os
from pathlib import Path


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def use_data_folder(folder: Path) -> None:
    """Point this process (and the servers it starts) at ``folder``'s SQLite and cache."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ["FICSHELF_DATA_DIR"] = str(folder)
    os.environ["DJANGO_SETTINGS_MODULE"] = "ficshelf.settings"
    import django

    django.setup()
