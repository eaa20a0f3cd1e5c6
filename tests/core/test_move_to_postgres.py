"""``ficshelf move-to-postgres``: this suite's SQLite archive moved onto a scratch
PostgreSQL database, compared row for row, its counts not doubled, its sequences past
the copied ids, its search index built from the target; and the refusals."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from ficshelf.core.archive_tables import archive_models, row_counts, table_digest
from ficshelf.search.models import WorkTextChunk
from ficshelf.social.models import Kudos
from ficshelf.works.models import Work
from tests.core.archive_copies import (
    compared_digests,
    database_alias,
    populate,
    scratch_postgres,
    stored_counts,
)

# serialized_rollback: the flush after each test would take the rows the migrations made
# (languages, fixed tags) from the tests after it.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="moves an SQLite archive; this run's database is PostgreSQL (the SQLite run "
        "tests it, with FICSHELF_REQUIRE_POSTGRES=1 in CI)",
    ),
]
POSTGRES_SEARCH = "ficshelf.search.backends.postgres.PostgresBackend"


def test_an_archive_moved_to_postgres_has_every_row_and_counts_once(tmp_path: Path) -> None:
    counts = populate()
    before = compared_digests("default")
    tables_before = row_counts()
    with scratch_postgres("move") as (url, database):
        out = StringIO()
        call_command(
            "move_to_postgres", url, "--quiet", "--search-backend", POSTGRES_SEARCH, stdout=out
        )
        assert "Checked: " in out.getvalue() and "the same rows and contents" in out.getvalue()
        with database_alias("moved", database):
            assert compared_digests("moved") == before
            assert stored_counts("moved") == counts  # not counted again on the way
            for work_id, (kudos, *_) in counts.items():
                assert kudos == Kudos.objects.using("moved").filter(work_id=work_id).count()
            tables_after = row_counts("moved")
            # The reindex that ends the move empties the index queue.
            assert tables_after.pop("search_indexqueueentry") == 0
            tables_before.pop("search_indexqueueentry")
            assert tables_after == tables_before
            for model in archive_models():  # every table, not only the ones above
                assert table_digest(model, "moved") == table_digest(model, "default"), model
            # The next id PostgreSQL gives is past every copied one.
            with connections["moved"].cursor() as cursor:
                cursor.execute("SELECT nextval(pg_get_serial_sequence('works_work', 'id'))")
                assert cursor.fetchone()[0] > max(counts)
            # The search index was rebuilt from the target, by the backend asked for.
            posted = Work.objects.filter(is_posted=True).count()
            indexed = WorkTextChunk.objects.using("moved").values("work_id").distinct().count()
            assert indexed == posted == 3

            # A second move into it is refused, and changes nothing.
            with pytest.raises(CommandError, match=r"is not empty .* Nothing was changed"):
                call_command("move_to_postgres", url, "--quiet", stdout=StringIO())
            assert compared_digests("moved") == before


def test_a_bad_database_url_is_refused_with_a_message() -> None:
    with pytest.raises(CommandError, match="is not a PostgreSQL database"):
        call_command("move_to_postgres", "mysql://someone@localhost/archive", "--quiet")
    with pytest.raises(
        CommandError, match=r"Could not connect to postgres://someone@127\.0\.0\.1:1/"
    ):
        call_command("move_to_postgres", "postgres://someone:secret@127.0.0.1:1/archive")
