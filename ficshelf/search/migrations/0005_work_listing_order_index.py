"""An index in the default listing order, on PostgreSQL only (bench/RESULTS.md, 100k works).

Listings sort by ``COALESCE(updated_on, published_on) DESC NULLS LAST, id DESC``
(``DatabaseBackend.ordered``: a work never updated was last updated when posted). No index
held that order, so every page sorted every matching work. This one holds it, limited to the
works a search can find at all, so a page reads its works in order and stops after the page.
The expression and directions must stay exactly those of the ORDER BY, or the planner does
not use it.

Only on PostgreSQL, where ``PostgresBackend`` runs these listings: SQLite installs search
with the embedded backend, and the plain-SQL baseline on SQLite stays as it was measured.
No model declares the index, so the models' state does not change.
"""

from django.db import migrations

CREATE_LISTING_ORDER_INDEX = (
    "CREATE INDEX work_listing_updated_order ON works_work "
    "((COALESCE(updated_on, published_on)) DESC NULLS LAST, id DESC) "
    "WHERE is_posted AND NOT is_hidden_by_admin"
)
DROP_LISTING_ORDER_INDEX = "DROP INDEX IF EXISTS work_listing_updated_order"


def create_listing_order_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_LISTING_ORDER_INDEX)


def drop_listing_order_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_LISTING_ORDER_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_queue_entry_per_change"),
        ("works", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_listing_order_index, drop_listing_order_index),
    ]
