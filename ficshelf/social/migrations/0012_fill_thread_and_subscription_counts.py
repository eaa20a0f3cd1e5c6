"""Fill the works' new stored counts (``social.counters``) from their rows: comment threads
(top-level comments everyone sees: approved, not deleted, hidden, held nor marked spam, as
``Comment.objects.public`` says) and subscriptions to the work itself. One statement each."""

from django.db import migrations
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

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
