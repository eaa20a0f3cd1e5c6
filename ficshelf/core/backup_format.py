"""What a backup file holds, shared by ``core.backup`` (which writes it) and
``core.restore`` (which reads it).

One uncompressed tar file, so it is one thing to copy off the machine and standard tools
can look inside (``tar tvf``):

- ``database.sqlite3`` (an SQLite archive, a page copy made by SQLite's online backup) or
  ``database.pgdump`` (PostgreSQL, ``pg_dump``'s compressed custom format);
- ``files/...``: the data folder's own files (the secret key, mail written as files), not
  what the archive makes again (search index, caches, downloads, static files);
- ``manifest.json``, last: format, Ficshelf's version, the database's kind, its applied
  migrations, the row count of every table, and the size and SHA-256 of every other member.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import IO, Any

FORMAT = "ficshelf-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
FILES_PREFIX = "files/"
READ_SIZE = 1024 * 1024


class BackupProblem(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Manifest:
    database_kind: str  # "sqlite" or "postgresql"
    migrations: dict[str, list[str]]
    tables: dict[str, int]
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    created_at: str = ""
    ficshelf_version: str = ""
    left_out: list[str] = field(default_factory=list)

    @property
    def database_member(self) -> str:
        return SQLITE_MEMBER if self.database_kind == "sqlite" else POSTGRES_MEMBER

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "ficshelf_version": self.ficshelf_version,
                "created_at": self.created_at,
                "database": {"kind": self.database_kind, "member": self.database_member},
                "migrations": self.migrations,
                "tables": self.tables,
                "members": self.members,
                "left_out": self.left_out,
            },
            indent=1,
            sort_keys=True,
        ).encode()

    @classmethod
    def from_json(cls, text: bytes, where: str) -> Manifest:
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                raise ValueError("not a Ficshelf backup's manifest")
            if data.get("format_version") != FORMAT_VERSION:
                raise BackupProblem(
                    f"{where} is a backup of format {data.get('format_version')}; this "
                    f"version of Ficshelf reads format {FORMAT_VERSION}."
                )
            kind = data["database"]["kind"]
            if kind not in ("sqlite", "postgresql"):
                raise ValueError(f"unknown database kind {kind!r}")
            return cls(
                database_kind=kind,
                migrations={str(k): [str(n) for n in v] for k, v in data["migrations"].items()},
                tables={str(k): int(v) for k, v in data["tables"].items()},
                members={
                    str(k): {"size": int(v["size"]), "sha256": str(v["sha256"])}
                    for k, v in data["members"].items()
                },
                created_at=str(data.get("created_at", "")),
                ficshelf_version=str(data.get("ficshelf_version", "")),
                left_out=[str(item) for item in data.get("left_out", [])],
            )
        except (ValueError, KeyError, TypeError, AttributeError) as problem:
            raise BackupProblem(f"{where} has a damaged manifest ({problem}).") from None


def ficshelf_version() -> str:
    try:
        return metadata.version("ficshelf")
    except metadata.PackageNotFoundError:
        return "unknown"


class HashingReader:
    """A file read through: its SHA-256 and size as it goes, and progress per read."""

    def __init__(self, source: IO[bytes], on_bytes: Callable[[int], None] | None = None):
        self.source = source
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.on_bytes = on_bytes

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.sha256.update(data)
        self.size += len(data)
        if self.on_bytes is not None and data:
            self.on_bytes(len(data))
        return data


def open_backup(path: str) -> tuple[tarfile.TarFile, Manifest]:
    """The backup at ``path`` and its manifest, or a ``BackupProblem`` saying what is wrong
    with it (missing, not a backup, cut short)."""
    try:
        archive = tarfile.open(path, "r:")  # noqa: SIM115 (closed by the caller)
    except FileNotFoundError:
        raise BackupProblem(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise BackupProblem(f"{path} is a folder; give the backup file inside it.") from None
    except PermissionError:
        raise BackupProblem(f"{path} cannot be read (permission denied).") from None
    except (tarfile.TarError, OSError) as problem:
        raise BackupProblem(f"{path} is not a Ficshelf backup ({problem}).") from None
    try:
        member = archive.getmember(MANIFEST)
        stream = archive.extractfile(member)
        if stream is None:
            raise KeyError(MANIFEST)
        manifest = Manifest.from_json(stream.read(), path)
    except KeyError:
        archive.close()
        raise BackupProblem(
            f"{path} has no manifest: it is not a Ficshelf backup, or it was cut short "
            "(a backup is written whole or not at all, so this one was damaged since)."
        ) from None
    except (tarfile.TarError, OSError, EOFError) as problem:
        archive.close()
        raise BackupProblem(f"{path} is damaged or was cut short ({problem}).") from None
    except BackupProblem:
        archive.close()
        raise
    return archive, manifest
