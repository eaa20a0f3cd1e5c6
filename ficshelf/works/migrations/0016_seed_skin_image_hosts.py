"""The hosts skins already load images from start the admins' list (decision 0009, amended).

Until now a skin's url() could name any host ``FICSHELF_IMAGE_HOSTS`` allowed, by default
any host over HTTPS. Skins now take images only from the listed hosts (and the setting's
named ones), and stylesheets are cleaned again when served: seeding the list with the
hosts stored skins use keeps every existing skin looking as it did, and admins prune it.
"""

import re

from django.db import migrations

# As core.css_sanitizer writes an allowed image: url("https://host/...").
_IMAGE_HOST = re.compile(r'url\("https://([^/"]+)/')
_HOST = re.compile(r"([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def seed(apps, schema_editor):
    SkinImageHost = apps.get_model("core", "SkinImageHost")
    hosts = set()
    for model in (apps.get_model("accounts", "SiteSkin"), apps.get_model("works", "WorkSkin")):
        for css in model.objects.filter(css__contains="url(").values_list("css", flat=True):
            hosts.update(h.lower() for h in _IMAGE_HOST.findall(css))
    known = set(SkinImageHost.objects.values_list("host", flat=True))
    SkinImageHost.objects.bulk_create(
        SkinImageHost(host=host, note="used by a skin when the list began")
        for host in sorted(hosts - known)
        if _HOST.fullmatch(host)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_skin_image_hosts"),
        ("accounts", "0012_public_site_skins"),
        ("works", "0015_public_work_skins"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
