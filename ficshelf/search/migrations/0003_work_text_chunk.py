"""Chunks of works' text as tsvectors, for the PostgreSQL search backend.

The table is created on every database so one set of migrations serves SQLite and PostgreSQL
(SQLite takes "tsvector" as a column type name and never reads the column). What only
PostgreSQL has is made only there: the GIN index on the vectors, their storage in the row,
and the text search configuration ``ficshelf_english``: English stemming like the embedded
backend's analyzer, without stop words, so "the king in the north" does not match "king of
the north" and a search for "it" finds something.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

CREATE_POSTGRES_PARTS = [
    "CREATE TEXT SEARCH DICTIONARY ficshelf_english_stem (TEMPLATE = snowball, LANGUAGE = english)",
    "CREATE TEXT SEARCH CONFIGURATION ficshelf_english (COPY = pg_catalog.english)",
    "ALTER TEXT SEARCH CONFIGURATION ficshelf_english ALTER MAPPING FOR "
    "asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH ficshelf_english_stem",
    # Vectors stay in their rows rather than in TOAST, so the planner sees how big the table
    # is and uses the GIN index (see CHUNK_WORDS in search.backends.postgres).
    "ALTER TABLE search_worktextchunk ALTER COLUMN vector SET STORAGE MAIN",
    "CREATE INDEX work_text_chunk_vector ON search_worktextchunk USING gin (vector)",
]
DROP_POSTGRES_PARTS = [
    "DROP INDEX IF EXISTS work_text_chunk_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS ficshelf_english",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS ficshelf_english_stem",
]


def create_postgres_parts(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE_POSTGRES_PARTS:
            schema_editor.execute(statement)


def drop_postgres_parts(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP_POSTGRES_PARTS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_index_existing_works"),
    ]

    operations = [
        migrations.CreateModel(
            name="WorkTextChunk",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("work_id", models.BigIntegerField()),
                (
                    "field",
                    models.CharField(
                        choices=[
                            ("title", "Title"),
                            ("creator", "Creator"),
                            ("summary", "Summary"),
                            ("notes", "Notes"),
                            ("tag", "Tag"),
                            ("text", "Text"),
                        ],
                        max_length=10,
                    ),
                ),
                ("position", models.PositiveIntegerField()),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["work_id", "field"], name="work_text_chunk_work"),
                ],
            },
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="worktextchunk",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=["vector"], name="work_text_chunk_vector"
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(create_postgres_parts, drop_postgres_parts),
            ],
        ),
    ]
