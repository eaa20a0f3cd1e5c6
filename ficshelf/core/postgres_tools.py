"""PostgreSQL's own programs (pg_dump, pg_restore) and how to point them at a database
Django is configured for."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from django.db import connections


class ToolMissing(Exception):
    pass


def find_tool(name: str) -> str:
    """The newest ``name`` found: on PATH, or in Debian's versioned folders (which the
    ``postgresql`` server package installs but does not put on PATH)."""
    found = shutil.which(name)
    if found:
        return found
    versioned = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[4]) if path.parts[4].isdigit() else 0,
    )
    if versioned:
        return str(versioned[-1])
    raise ToolMissing(
        f"{name} was not found. It comes with PostgreSQL's client programs: on Debian or "
        "Ubuntu, `apt install postgresql-client` (the same major version as the server, "
        "or newer)."
    )


def tool_arguments(using: str = "default") -> tuple[list[str], dict[str, str]]:
    """Arguments and environment that point pg_dump/pg_restore at ``using``'s database.
    The password goes in the environment, never on a command line others can read."""
    return arguments_for(connections[using].settings_dict)


def arguments_for(settings: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    arguments = ["--dbname", str(settings["NAME"])]
    if settings.get("HOST"):
        arguments += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        arguments += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        arguments += ["--username", str(settings["USER"])]
    environment = dict(os.environ)
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings["PASSWORD"])
    sslmode = (settings.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        environment["PGSSLMODE"] = str(sslmode)
    return arguments, environment


def user_tables(using: str) -> list[str]:
    """Tables in the database's current schema: none means the database is empty."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() ORDER BY table_name"
        )
        return [row[0] for row in cursor.fetchall()]
