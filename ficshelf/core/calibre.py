"""Running calibre's ``ebook-convert``, shared by the Kindle importer and the exporters.

calibre is optional on a server. It writes settings and scratch files, so each run keeps
them in its own temporary folder, never in the server user's home; it starts helper
processes, so it runs in its own process group and a timeout stops all of them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path


def ebook_convert() -> str | None:
    """The path of ``ebook-convert``, or None when calibre is not installed."""
    return shutil.which("ebook-convert")


@dataclass(frozen=True)
class Conversion:
    succeeded: bool
    timed_out: bool
    last_message: str  # the last non-empty line calibre printed (stderr, else stdout)


def convert(
    program: str,
    source: Path,
    target: Path,
    *,
    work_folder: Path,
    timeout_seconds: int,
    extra_arguments: tuple[str, ...] = (),
) -> Conversion:
    """Convert ``source`` to ``target`` (formats by extension). Raises OSError if the
    program cannot be started."""
    environment = {
        **os.environ,
        "CALIBRE_CONFIG_DIRECTORY": str(work_folder / "calibre-config"),
        "CALIBRE_TEMP_DIR": str(work_folder),
    }
    process = subprocess.Popen(
        [program, str(source), str(target), *extra_arguments],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        env=environment,
        cwd=work_folder,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout_seconds)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):  # it may have ended in the meantime
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return Conversion(succeeded=False, timed_out=True, last_message="")
    lines = [line.strip() for line in (stderr or stdout).splitlines() if line.strip()]
    return Conversion(
        succeeded=process.returncode == 0 and target.is_file(),
        timed_out=False,
        last_message=lines[-1] if lines else "",
    )
