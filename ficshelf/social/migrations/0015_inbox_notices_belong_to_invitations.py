# Invitation notices now belong to their invitation (``social.creator_notices``). Those made
# before (since 0013, in no release) stay unlinked: nothing ties them to a row reliably.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0014_bookmark_listing_indexes"),
        ("works", "0016_seed_skin_image_hosts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="inboxitem",
            name="chapter_credit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notices",
                to="works.chaptercreatorship",
            ),
        ),
        migrations.AddField(
            model_name="inboxitem",
            name="creatorship",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notices",
                to="works.creatorship",
            ),
        ),
        migrations.AddField(
            model_name="inboxitem",
            name="series_credit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notices",
                to="works.seriescreatorship",
            ),
        ),
        migrations.AddConstraint(
            model_name="inboxitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("chapter_credit__isnull", True), ("creatorship__isnull", True)),
                    models.Q(("creatorship__isnull", True), ("series_credit__isnull", True)),
                    models.Q(("chapter_credit__isnull", True), ("series_credit__isnull", True)),
                    _connector="OR",
                ),
                name="inbox_item_one_invitation",
            ),
        ),
    ]
