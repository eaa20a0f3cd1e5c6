"""Files the worker makes (PDF, AZW3, MOBI, bulk zips and omnibus EPUBs), kept in the
database so that every server serves them, and the claims that say one is being made.

With several app servers the worker that makes a file may run on another server than the
one a reader asks: a file kept in the worker's data folder never reached a web-only server,
whose page said "being prepared" for ever. The database is the one store every server
already shares, so nothing more has to be set up (decision 0013). A file is written a
``CHUNK_BYTES`` piece at a time and served the same way (never whole in memory), and is
served only once complete: a reader never gets half of one.

Each server also keeps a copy of a file it has served in its own data folder
(``DATA_DIR/downloads/made/<SHA-256>``), written as the first request streams it from the
database: later requests on that server are sent from disk as the old folder files were
(with the WSGI file wrapper: a 32 MiB file on PostgreSQL went out at 8 times the rate of
reading its 1 MiB rows, ``bench/RESULTS.md``). A copy is named by its content's digest, so
it can never be stale; copies of files gone from the database are removed whenever a new
copy is kept.

Keeping: a work's files go when it is deleted and when a newer version of it is made; bulk
files go ``bulk.actions.KEEP_SECONDS`` after they were made; files left incomplete by a
stopped worker are swept by the recovery (``downloads.recovery``).
"""

from __future__ import annotations

import datetime
import hashlib
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import IO, BinaryIO

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from ficshelf.downloads.models import MadeFile, MadeFileChunk, Preparation

# A piece of a file per row: small enough that serving one holds little memory, large
# enough that a 20 MB PDF is 20 rows.
CHUNK_BYTES = 1024 * 1024
# After this long a queued file that never appeared is queued again (a lost task), and a
# file that could not be made is tried again.
PREPARATION_TIMEOUT_SECONDS = 15 * 60
# A part of a local copy this old was left by a process that died writing it.
LOCAL_PART_SECONDS = 60 * 60


class FileTooLarge(Exception):
    """The file made is larger than ``FICSHELF_DOWNLOAD_MAX_BYTES``: it is not kept."""


def work_file_name(work_id: int, version: str, filename: str) -> str:
    """The name of a work's file for one version: "work/12/<version>/work-a5.pdf"."""
    return f"work/{work_id}/{version}/{filename}"


def bulk_file_name(key: str, extension: str) -> str:
    """The name of a bulk zip or omnibus EPUB: "bulk/<key>.zip"."""
    return f"bulk/{key}.{extension}"


BULK_PREFIX = "bulk/"


# ---- Files ----


def find(name: str) -> MadeFile | None:
    """The complete file called ``name``, or None when it is not made (yet)."""
    return MadeFile.objects.filter(name=name, is_complete=True).first()


def store(
    name: str,
    source: bytes | BinaryIO,
    *,
    work_id: int | None = None,
    version: str = "",
) -> MadeFile:
    """Keep ``source`` (bytes, or a file read a piece at a time) as the file ``name``.

    Each piece is its own short write, so a large zip never holds the database's write lock
    for long; the file is marked complete in one transaction at the end, which also drops
    the work's files of other versions. When another worker completed the same file first,
    theirs is kept and returned. Larger than ``FICSHELF_DOWNLOAD_MAX_BYTES``: FileTooLarge,
    and nothing is kept.
    """
    limit = settings.FICSHELF_DOWNLOAD_MAX_BYTES
    made = MadeFile.objects.create(
        name=name, work_id=work_id, version=version, started_at=timezone.now()
    )
    try:
        digest = hashlib.sha256()
        size = 0
        for position, piece in enumerate(_pieces(source)):
            size += len(piece)
            if size > limit:
                raise FileTooLarge(
                    f"{name} is larger than FICSHELF_DOWNLOAD_MAX_BYTES ({limit:,} bytes): "
                    "not kept."
                )
            digest.update(piece)
            MadeFileChunk.objects.create(file=made, position=position, data=piece)
        return _complete(made, size=size, digest=digest.hexdigest())
    except BaseException:
        with suppress(DatabaseError):  # the recovery sweeps it when the database is away
            MadeFile.objects.filter(pk=made.pk, is_complete=False).delete()
        raise


def _pieces(source: bytes | BinaryIO) -> Iterator[bytes]:
    if isinstance(source, bytes):
        for start in range(0, len(source), CHUNK_BYTES):
            yield source[start : start + CHUNK_BYTES]
        return
    while piece := source.read(CHUNK_BYTES):
        yield piece


def _complete(made: MadeFile, *, size: int, digest: str) -> MadeFile:
    now = timezone.now()
    try:
        with transaction.atomic():
            made_first = MadeFile.objects.filter(name=made.name, is_complete=True).exists()
            if not made_first:
                MadeFile.objects.filter(pk=made.pk).update(
                    size=size, digest=digest, made_at=now, is_complete=True
                )
                if made.work_id is not None:
                    # A newer version replaces the old ones, as the work's page shows it.
                    MadeFile.objects.filter(work_id=made.work_id).exclude(
                        version=made.version
                    ).delete()
    except IntegrityError:  # completed by another worker between our look and our update
        made_first = True
    if made_first:
        # The same file, made at the same time elsewhere: theirs serves, ours goes.
        MadeFile.objects.filter(pk=made.pk).delete()
        return find(made.name) or made
    made.size, made.digest, made.made_at, made.is_complete = size, digest, now, True
    return made


def chunks(made: MadeFile) -> Iterator[bytes]:
    """The file's bytes, a piece at a time, each read when it is sent. Should a newer
    version replace the file while it is being sent, the rest is missing: the response
    ends short of its Content-Length and the reader's browser reports the download failed
    (asking again gets the new version)."""
    for position in range((made.size + CHUNK_BYTES - 1) // CHUNK_BYTES):
        data = (
            MadeFileChunk.objects.filter(file_id=made.pk, position=position)
            .values_list("data", flat=True)
            .first()
        )
        if data is None:
            return
        yield bytes(data)


def read_whole(made: MadeFile) -> bytes:
    """All of the file at once, for files small enough to hold."""
    return b"".join(chunks(made))


def file_response(
    request: HttpRequest,
    made: MadeFile,
    *,
    content_type: str,
    content_disposition: str,
    private: bool,
) -> HttpResponseBase:
    """The file as a download: from this server's copy, or else from the database a piece
    at a time; with a validator (its digest and when it was made), so that a reader asking
    again for a file they have gets a 304."""
    assert made.made_at is not None  # a complete file
    etag = f'"{made.digest}"'
    last_modified = int(made.made_at.timestamp())
    response: HttpResponseBase | None = get_conditional_response(
        request, etag=etag, last_modified=last_modified
    )
    if response is None:
        kept_here = None if request.method == "HEAD" else _open_local_copy(made)
        if kept_here is not None:
            response = FileResponse(kept_here, content_type=content_type)
        else:
            body: Iterable[bytes] = () if request.method == "HEAD" else _streamed_and_kept(made)
            response = StreamingHttpResponse(body, content_type=content_type)
        response["Content-Length"] = str(made.size)
        response["Content-Disposition"] = content_disposition
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    if private:
        # A shared cache must not hand a registered-users-only work to a guest.
        patch_cache_control(response, private=True)
    return response


# ---- This server's copies ----


def local_copies_dir() -> Path:
    return Path(settings.DATA_DIR) / "downloads" / "made"


def _open_local_copy(made: MadeFile) -> BinaryIO | None:
    try:
        return (local_copies_dir() / made.digest).open("rb")
    except OSError:  # not kept here (yet)
        return None


def _streamed_and_kept(made: MadeFile) -> Iterator[bytes]:
    """The file from the database, a piece at a time, written to this server's copy as it
    goes; the copy is kept only when every byte arrived and matches the digest (a reader
    who leaves half-way, or a file replaced meanwhile, leaves none). A full disk or an
    unwritable folder only means no copy: the reader gets the file all the same."""
    copy = _new_local_part(made)
    digest = hashlib.sha256()
    whole = False
    try:
        for piece in chunks(made):
            if copy is not None:
                try:
                    copy.write(piece)
                except OSError:
                    _discard(copy)
                    copy = None
            digest.update(piece)
            yield piece
        whole = digest.hexdigest() == made.digest
    finally:
        if copy is not None:
            _keep_or_discard(copy, made.digest if whole else None)


def _new_local_part(made: MadeFile) -> IO[bytes] | None:
    try:
        local_copies_dir().mkdir(parents=True, exist_ok=True)
        return tempfile.NamedTemporaryFile(  # closed by _keep_or_discard
            dir=local_copies_dir(), prefix=f"{made.digest}.", suffix=".part", delete=False
        )
    except OSError:
        return None


def _keep_or_discard(copy: IO[bytes], digest: str | None) -> None:
    """Keep the part as the copy of ``digest``; None: the part is not whole, remove it."""
    kept = False
    with suppress(OSError):
        copy.close()
        if digest is not None:
            Path(copy.name).replace(local_copies_dir() / digest)
            kept = True
    if not kept:
        _discard(copy)
        return
    with suppress(OSError, DatabaseError):
        _remove_stale_local_copies()


def _discard(copy: IO[bytes]) -> None:
    with suppress(OSError):
        copy.close()
    Path(copy.name).unlink(missing_ok=True)


def _remove_stale_local_copies() -> None:
    """Copies of files no longer in the database (a newer version, an expired zip), and
    parts a process that died left."""
    copies: dict[str, Path] = {}
    for path in local_copies_dir().iterdir():
        if path.name.endswith(".part"):
            with suppress(FileNotFoundError):
                if time.time() - path.stat().st_mtime > LOCAL_PART_SECONDS:
                    path.unlink()
        else:
            copies[path.name] = path
    current = set(
        MadeFile.objects.filter(digest__in=list(copies), is_complete=True).values_list(
            "digest", flat=True
        )
    )
    for digest, path in copies.items():
        if digest not in current:
            path.unlink(missing_ok=True)


def remove_older_than(prefix: str, seconds: float) -> int:
    """Remove the complete files whose name starts with ``prefix``, made more than
    ``seconds`` ago; how many."""
    cutoff = timezone.now() - datetime.timedelta(seconds=seconds)
    removed, _by_model = MadeFile.objects.filter(
        name__startswith=prefix, is_complete=True, made_at__lt=cutoff
    ).delete()
    return removed


# ---- Preparations: what is being made, and what could not be made ----


def claim_preparation(name: str) -> bool:
    """True for the one caller that should queue the making of ``name``.

    The claim is a row with a unique name, so two requests (on any servers) never queue the
    same file twice. A claim or a failure older than ``PREPARATION_TIMEOUT_SECONDS`` is
    taken over by exactly one caller: a lost task does not leave a download waiting for
    ever, and a failed one is tried again.
    """
    now = timezone.now()
    try:
        with transaction.atomic():
            Preparation.objects.create(name=name, state=Preparation.State.QUEUED, since=now)
        return True
    except IntegrityError:
        pass
    row = Preparation.objects.filter(name=name).values_list("state", "since").first()
    if row is None:  # released just now: the file is made, the next request serves it
        return False
    state, since = row
    if (now - since).total_seconds() < PREPARATION_TIMEOUT_SECONDS:
        return False
    taken = Preparation.objects.filter(name=name, state=state, since=since).update(
        state=Preparation.State.QUEUED, since=now
    )
    return taken == 1


def release_preparation(name: str) -> None:
    """The file is made (or will never be): the next request that misses it queues it."""
    Preparation.objects.filter(name=name, state=Preparation.State.QUEUED).delete()


def record_failure(name: str) -> None:
    """Say that making ``name`` failed: readers get a page saying so instead of a "being
    prepared" page that would refresh until the timeout, and it is not tried again before
    then (a work a converter chokes on is not converted every few seconds)."""
    Preparation.objects.update_or_create(
        name=name, defaults={"state": Preparation.State.FAILED, "since": timezone.now()}
    )


def failed_recently(name: str) -> bool:
    """Whether making ``name`` failed less than ``PREPARATION_TIMEOUT_SECONDS`` ago."""
    cutoff = timezone.now() - datetime.timedelta(seconds=PREPARATION_TIMEOUT_SECONDS)
    return Preparation.objects.filter(
        name=name, state=Preparation.State.FAILED, since__gt=cutoff
    ).exists()
