"""Ratings, archive warnings and categories, with AO3's exact names, all canonical."""

from django.db import migrations

# Copied here, not imported from models: a migration must not change when models do.
FIXED_TAGS = {
    "rating": [
        "Not Rated",
        "General Audiences",
        "Teen And Up Audiences",
        "Mature",
        "Explicit",
    ],
    "warning": [
        "Creator Chose Not To Use Archive Warnings",
        "Graphic Depictions Of Violence",
        "Major Character Death",
        "No Archive Warnings Apply",
        "Rape/Non-Con",
        "Underage Sex",
    ],
    "category": ["F/F", "F/M", "Gen", "M/M", "Multi", "Other"],
}


def create_fixed_tags(apps, schema_editor):  # type: ignore[no-untyped-def]
    Tag = apps.get_model("tags", "Tag")
    for tag_type, names in FIXED_TAGS.items():
        for name in names:
            Tag.objects.update_or_create(
                name=name, defaults={"type": tag_type, "is_canonical": True}
            )


class Migration(migrations.Migration):
    dependencies = [("tags", "0001_initial")]
    operations = [migrations.RunPython(create_fixed_tags, migrations.RunPython.noop)]
