"""Fill the works' new stored counts (``social.counters``) from their rows: comment threads
(top-level comments everyone sees: approved, not deleted, hidden, held nor marked spam, as
``Comment.objects.public`` says) and subscriptions to the work itself. One statement each,
after the index that lets each work's threads be found from the work."""

from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce


def _count(rows):
    counted = rows.order_by().values("work").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def fill(apps, schema_editor):
    Work = apps.get_model("works", "Work")
    Comment = apps.get_model("social", "Comment")
    Subscription = apps.get_model("social", "Subscription")
    threads = Comment.objects.filter(
        work=OuterRef("pk"),
        parent__isnull=True,
        is_approved=True,
        is_deleted=False,
        is_hidden=False,
        spam_state="",
    )
    subscriptions = Subscription.objects.filter(work=OuterRef("pk"))
    Work.objects.update(
        comment_threads_count=_count(threads), subscriptions_count=_count(subscriptions)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0011_reading_position"),
        ("works", "0014_work_thread_subscription_counts_and_purge_warning"),
    ]

    operations = [
        # Before the fill: without it SQLite counts each work's threads by reading every
        # top-level comment (hours at 100,000 works).
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["work", "parent"], name="comment_threads_of_work"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
