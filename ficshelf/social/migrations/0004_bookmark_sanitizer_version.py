from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0003_inbox_inspired"),
    ]

    operations = [
        # Notes saved before have version 0: they are cleaned again (images out) when read.
        migrations.AddField(
            model_name="bookmark",
            name="sanitizer_version",
            field=models.PositiveSmallIntegerField(default=0),
        ),
    ]
