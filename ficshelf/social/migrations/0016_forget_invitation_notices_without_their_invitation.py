"""Invitation notices made before 0015 have no link to their invitation: they would stay
after it ends (withdrawn, declined, its draft deleted) and keep the title they were sent
with. Every notice made since names its invitation, so those without one are the old ones;
they go (the dashboard still lists every invitation waiting for an answer)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def forget_unlinked_invitation_notices(apps: Any, schema_editor: Any) -> None:
    InboxItem = apps.get_model("social", "InboxItem")
    InboxItem.objects.filter(
        kind="invitation",
        creatorship__isnull=True,
        chapter_credit__isnull=True,
        series_credit__isnull=True,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("social", "0015_inbox_notices_belong_to_invitations")]

    operations = [
        migrations.RunPython(forget_unlinked_invitation_notices, migrations.RunPython.noop),
    ]
