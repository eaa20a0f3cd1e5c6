"""Sink 2: the corpus written into the configured database with bulk writes."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from bench.corpus.shape import FIXED_IDS, LANGUAGE_CODES, TAG_ID_BASE, TYPES
from bench.corpus.works import Corpus, WorkBatch


def load_into_database(
    corpus: Corpus, *, text: bool = False, progress: bool = True, as_superuser: bool = False
) -> None:
    """Write the corpus into the configured database (empty, migrated): users and pseuds,
    tags with their meta, parent and synonym links, works, chapters, creatorships, tags,
    filter taggings. Bulk writes: executemany on SQLite, COPY on PostgreSQL."""
    from django.db import connection, transaction

    from ficshelf.accounts.models import Pseud, User
    from ficshelf.tags.models import FilterTagging, MetaTagging, ParentTagging, Tag
    from ficshelf.works.models import Chapter, Creatorship, Language, Work

    _check_fixed_ids(Tag, Language)
    writer = _Writer(connection)
    t = corpus.tags
    now = datetime.datetime.now(datetime.UTC)
    with transaction.atomic():
        if as_superuser:
            writer.skip_foreign_key_checks()
        writer.rows(User, ["id", "password", "username", "first_name", "last_name", "email",
                           "is_superuser", "is_staff", "is_active", "date_joined",
                           "reader_version"],
                    ((u, "!", corpus.user_name(u), "", "", "", False, False, True, now, 0)
                     for u in range(1, corpus.users + 1)))  # fmt: skip
        writer.rows(Pseud, ["id", "user_id", "name", "is_default", "description", "created_at"],
                    ((u, u, corpus.user_name(u), True, "", now)
                     for u in range(1, corpus.users + 1)))  # fmt: skip
        ids = t.ids[t.ids >= TAG_ID_BASE].tolist()
        writer.rows(Tag, ["id", "name", "type", "is_canonical", "merger_id", "created_at"],
                    ((i, t.names[i], TYPES[t.types[i]], bool(t.canonical[i]),
                      int(t.merger[i]) or None, now) for i in ids))  # fmt: skip
        writer.rows(MetaTagging, ["meta_tag_id", "sub_tag_id"], t.meta_pairs)
        writer.rows(ParentTagging, ["parent_id", "child_id"], sorted(set(t.parent_pairs)))
        through = Work.tags.through
        for batch in corpus.batches("database" if progress else None):
            writer.rows(Work, _WORK_COLUMNS, _work_rows(batch, now))
            writer.rows(Chapter, _CHAPTER_COLUMNS, _chapter_rows(corpus, batch, now, text))
            writer.rows(Creatorship, ["work_id", "pseud_id", "position", "is_approved"],
                        ((int(w), u, n, True) for w, users in zip(batch.ids, batch.creators,
                         strict=True) for n, u in enumerate(users)))  # fmt: skip
            base = int(batch.ids[0])
            writer.pairs(through, ["work_id", "tag_id"], batch.tag_work + base, batch.tag_id)
            writer.pairs(FilterTagging, ["work_id", "tag_id"], batch.filter_work + base,
                         batch.filter_id)  # fmt: skip
        writer.reset_sequences([User, Pseud, Tag, Work])
    writer.analyze()


def _check_fixed_ids(tag_model: Any, language_model: Any) -> None:
    found = dict(tag_model.objects.filter(name__in=FIXED_IDS).values_list("name", "id"))
    if found != FIXED_IDS:
        raise RuntimeError(f"fixed tags have other ids than the corpus assumes: {found}")
    langs = dict(language_model.objects.values_list("short", "id"))
    expected = {code: i + 1 for i, code in enumerate(LANGUAGE_CODES)}
    if langs != expected:
        raise RuntimeError("languages have other ids than the corpus assumes")
    if tag_model.objects.filter(id__gte=TAG_ID_BASE).exists():
        raise RuntimeError("the database already holds generated tags: load into an empty one")


_WORK_COLUMNS = ["id", "title", "summary", "notes", "end_notes", "sanitizer_version",
                 "language_id", "expected_chapter_count", "is_complete", "word_count",
                 "kudos_count", "hits_count", "comments_count", "bookmarks_count",
                 "published_on", "updated_on", "completed_on", "is_posted", "is_restricted",
                 "is_hidden_by_admin", "in_unrevealed_collection", "in_anonymous_collection",
                 "comment_permission", "moderated_comments",
                 "source_url", "imported_from", "created_at", "modified_at"]  # fmt: skip
_CHAPTER_COLUMNS = ["work_id", "position", "title", "summary", "notes", "end_notes", "text",
                    "sanitizer_version", "word_count", "is_posted", "published_on",
                    "created_at", "modified_at"]  # fmt: skip


def _work_rows(batch: WorkBatch, now: datetime.datetime) -> Iterator[tuple[Any, ...]]:
    from ficshelf.core.sanitizer import SANITIZER_VERSION

    for i in range(len(batch.ids)):
        updated = batch.date(batch.updated[i])
        complete = bool(batch.is_complete[i])
        yield (int(batch.ids[i]), batch.titles[i], f"<p>{batch.summaries[i]}</p>", "", "",
               SANITIZER_VERSION, int(batch.language_id[i]),
               int(batch.expected_chapters[i]) or None, complete, int(batch.word_count[i]),
               int(batch.kudos[i]), int(batch.hits[i]), int(batch.comments[i]),
               int(batch.bookmarks[i]), batch.date(batch.published[i]), updated,
               updated if complete else None, True, bool(batch.is_restricted[i]), False,
               False, False, "everyone", False, "", "", now, now)  # fmt: skip


def _chapter_rows(
    corpus: Corpus, batch: WorkBatch, now: datetime.datetime, text: bool
) -> Iterator[tuple[Any, ...]]:
    from ficshelf.core.sanitizer import SANITIZER_VERSION

    for i in range(len(batch.ids)):
        n = int(batch.chapter_count[i])
        texts = corpus.chapter_texts(batch, i) if text else ["<p>…</p>"] * n
        share = int(batch.word_count[i]) // n
        day = batch.date(batch.published[i])
        for position, body in enumerate(texts, start=1):
            html = f"<p>{body}</p>" if text else body
            yield (int(batch.ids[i]), position, "", "", "", "", html, SANITIZER_VERSION,
                   share, True, day, now, now)  # fmt: skip


def required_defaults(model: Any, columns: list[str]) -> tuple[list[str], tuple[Any, ...]]:
    """The required columns of ``model`` beyond ``columns``, with their fields' defaults
    (Django sets defaults, not the database): a field the archive adds later is filled
    without the corpus knowing of it."""
    extra = [
        field
        for field in model._meta.concrete_fields
        if field.column not in columns
        and not field.null
        and not field.primary_key
        and field.get_default() is not None
    ]
    return [field.column for field in extra], tuple(field.get_default() for field in extra)


def _with_defaults(model: Any, columns: list[str], rows: Any) -> tuple[list[str], Any]:
    extra_columns, values = required_defaults(model, columns)
    if not extra_columns:
        return columns, rows
    return [*columns, *extra_columns], ((*row, *values) for row in rows)


class _Writer:
    """Bulk rows into a table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.is_postgres = connection.vendor == "postgresql"
        if not self.is_postgres and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous = OFF")

    def skip_foreign_key_checks(self) -> None:
        """PostgreSQL queues a deferred check per row for each foreign key: tens of millions
        for a large corpus. The corpus is consistent by construction, so a superuser's load
        skips them (``session_replication_role``) for this transaction."""
        if self.is_postgres:
            with self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")

    def rows(self, model: Any, columns: list[str], rows: Any) -> None:
        columns, rows = _with_defaults(model, columns, rows)
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            if self.is_postgres:
                sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(columns))
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
                cursor.cursor.executemany(sql, rows)  # sqlite3's own: no Django per-row work

    def pairs(self, model: Any, columns: list[str], a: Any, b: Any) -> None:
        if self.is_postgres:
            table = model._meta.db_table
            data = "".join(f"{x}\t{y}\n" for x, y in zip(a.tolist(), b.tolist(), strict=True))
            with (
                self.connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                copy.write(data)
        else:
            self.rows(model, columns, zip(a.tolist(), b.tolist(), strict=True))

    def reset_sequences(self, models: list[Any]) -> None:
        if not self.is_postgres:
            return
        with self.connection.cursor() as cursor:
            for model in models:
                table = model._meta.db_table
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))")  # fmt: skip

    def analyze(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("ANALYZE")
