"""The downloads app's part of ``ficshelf check``: fonts for PDFs (ids as in
``core.checks``), registered by the app's ``ready()``."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning, register


def check_fonts_for_pdfs(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    from ficshelf.downloads.exporters.pdf_fonts import FontconfigMissing, scripts_without_fonts

    try:
        missing = scripts_without_fonts()
    except FontconfigMissing:
        return [
            Warning(
                "The fontconfig library is not installed: PDF downloads cannot be made.",
                hint="Install WeasyPrint's libraries (apt install libpango-1.0-0 "
                "libpangoft2-1.0-0) and fonts.",
                id="ficshelf.W003",
            )
        ]
    if not missing:
        return []
    names = " or ".join(", ".join(s.name for s in missing).rsplit(", ", 1))
    packages = " ".join(dict.fromkeys(s.packages for s in missing))
    return [
        Warning(
            f"No installed font draws {names}: PDF downloads show those characters as empty boxes.",
            hint=f"Install fonts that do (apt install {packages}).",
            id="ficshelf.W003",
        )
    ]


def register_downloads_checks() -> None:
    register(check_fonts_for_pdfs)
