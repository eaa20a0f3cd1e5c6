"""The languages a work can be in, named as AO3 names them (each in its own language)."""

from django.db import migrations

LANGUAGES = [
    ("ar", "العربية"),
    ("bg", "Български"),
    ("ca", "Català"),
    ("cs", "Čeština"),
    ("da", "Dansk"),
    ("de", "Deutsch"),
    ("el", "Ελληνικά"),
    ("en", "English"),
    ("es", "Español"),
    ("fa", "فارسی"),
    ("fi", "Suomi"),
    ("fil", "Filipino"),
    ("fr", "Français"),
    ("he", "עברית"),
    ("hi", "हिन्दी"),
    ("hu", "Magyar"),
    ("id", "Bahasa Indonesia"),
    ("it", "Italiano"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("la", "Lingua latina"),
    ("nl", "Nederlands"),
    ("no", "Norsk"),
    ("pl", "Polski"),
    ("pt-BR", "Português brasileiro"),
    ("pt-PT", "Português europeu"),
    ("ro", "Română"),
    ("ru", "Русский"),
    ("sv", "Svenska"),
    ("th", "ไทย"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
    ("vi", "Tiếng Việt"),
    ("zh", "中文-普通话 國語"),
    ("yue", "中文-广东话 粵語"),
]


def create_languages(apps, schema_editor):  # type: ignore[no-untyped-def]
    Language = apps.get_model("works", "Language")
    for short, name in LANGUAGES:
        Language.objects.update_or_create(short=short, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("works", "0001_initial")]
    operations = [migrations.RunPython(create_languages, migrations.RunPython.noop)]
