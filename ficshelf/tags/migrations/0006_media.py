"""AO3's media (TV Shows, Books & Literature, ...): a fixed tag type wranglers file fandoms
under, each medium made here, canonical."""

from django.db import migrations, models

# Copied here, not imported from models: a migration must not change when models do.
MEDIA = [
    "Anime & Manga",
    "Books & Literature",
    "Cartoons & Comics & Graphic Novels",
    "Celebrities & Real People",
    "Movies",
    "Music & Bands",
    "Other Media",
    "Theater",
    "TV Shows",
    "Video Games",
    "Uncategorized Fandoms",
]


def create_media(apps, schema_editor):  # type: ignore[no-untyped-def]
    Tag = apps.get_model("tags", "Tag")
    Tagging = apps.get_model("works", "Work").tags.through
    for name in MEDIA:
        existing = Tag.objects.filter(name=name).first()
        if existing is None:
            Tag.objects.create(name=name, type="media", is_canonical=True)
        elif existing.type != "media" and not Tagging.objects.filter(tag=existing).exists():
            # A tag of that name nobody uses (a writer's old typo, a test's leftover)
            # becomes the medium. One on works stays what it is: its works keep their tag,
            # and that medium is simply missing here until an admin renames one of them.
            existing.type, existing.is_canonical, existing.merger = "media", True, None
            existing.save(update_fields=["type", "is_canonical", "merger"])


def remove_media(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("tags", "Tag").objects.filter(type="media").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tags", "0005_drop_tag_type_name_index"),
        ("works", "0001_initial"),  # (works' taggings, read above)
    ]

    operations = [
        migrations.AlterField(
            model_name="tag",
            name="type",
            field=models.CharField(
                choices=[
                    ("rating", "Rating"),
                    ("warning", "Archive Warning"),
                    ("category", "Category"),
                    ("fandom", "Fandom"),
                    ("relationship", "Relationship"),
                    ("character", "Character"),
                    ("freeform", "Additional Tags"),
                    ("media", "Media"),
                ],
                db_index=True,
                max_length=20,
            ),
        ),
        migrations.RunPython(create_media, remove_media),
    ]
