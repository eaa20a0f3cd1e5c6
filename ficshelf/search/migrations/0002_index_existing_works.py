"""Fill what the new search needs for works that existed before it: their counters, their
filter taggings (before any wrangling a tag filters as itself, or as its merger), and an
index queue entry each, so the worker indexes them."""

from django.db import migrations
from django.db.models import Count, Q


def fill(apps, schema_editor):
    Work = apps.get_model("works", "Work")
    Tag = apps.get_model("tags", "Tag")
    FilterTagging = apps.get_model("tags", "FilterTagging")
    IndexQueueEntry = apps.get_model("search", "IndexQueueEntry")
    counted = {
        "kudos_count": ("kudos", {}),
        "hits_count": ("hits", {}),
        "comments_count": (
            "comments",
            {"comments__is_approved": True, "comments__is_deleted": False},
        ),
        "bookmarks_count": ("bookmarks", {"bookmarks__is_private": False}),
    }
    for field, (relation, condition) in counted.items():
        rows = Work.objects.annotate(n=Count(relation, filter=Q(**condition))).filter(n__gt=0)
        for work_id, n in rows.values_list("pk", "n"):
            Work.objects.filter(pk=work_id).update(**{field: n})
    merger_of = dict(Tag.objects.exclude(merger=None).values_list("pk", "merger_id"))
    through = Work.tags.through
    taggings = {
        (work_id, merger_of.get(tag_id, tag_id))
        for work_id, tag_id in through.objects.values_list("work_id", "tag_id")
    }
    FilterTagging.objects.bulk_create(
        [FilterTagging(work_id=w, tag_id=t) for w, t in taggings], batch_size=2000
    )
    IndexQueueEntry.objects.bulk_create(
        [IndexQueueEntry(work_id=pk) for pk in Work.objects.values_list("pk", flat=True)],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("social", "0002_inbox_item_work"),
        ("works", "0004_work_counters"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
