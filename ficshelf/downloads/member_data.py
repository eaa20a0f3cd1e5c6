""" "Download my data": everything the archive holds about one member, as one zip.

The zip holds ``data.json`` (machine-readable: the account, preferences, profile, pseuds, works,
comments, kudos, bookmarks, reading lists, history, subscriptions, inbox, blocks and mutes,
collection roles, and what higher apps add through ``member_data_wanted``), a README, and
each of the member's works as HTML and EPUB (drafts and hidden works too, every chapter: the
files of the creator's backup, ``bulk.actions``).

The worker packs it (``tasks.pack_member_data``), writing its progress on the
``DataExport`` row for the page that waits; the zip is kept in the database as a made file
(every server serves it, decision 0013) and served to the member alone until it expires.

Limits on the work done, stated here: at most ``MAX_ROWS`` entries of each kind and
``MAX_WORKS`` works are written (data.json says what was left out and how much), and the zip
as a whole is bounded by ``FICSHELF_DOWNLOAD_MAX_BYTES`` like every made file.
"""

from __future__ import annotations

import datetime
import json
import logging
import zipfile
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urljoin

from django.db import transaction
from django.db.models import Model, QuerySet
from django.dispatch import Signal
from django.forms.models import model_to_dict
from django.utils import timezone

from ficshelf.accounts.models import (
    Block,
    MemberProfile,
    Mute,
    Preference,
    Pseud,
    PseudIcon,
    ReaderKey,
    SiteSkin,
    User,
)
from ficshelf.downloads import made_files
from ficshelf.downloads.bulk import actions as bulk
from ficshelf.downloads.models import DataExport, MadeFile
from ficshelf.social.creator_notices import as_they_stand
from ficshelf.social.models import (
    Bookmark,
    Comment,
    InboxItem,
    InboxKind,
    Kudos,
    Reading,
    ReadingList,
    Subscription,
)
from ficshelf.works.collection_models import CollectionParticipant
from ficshelf.works.models import Work
from ficshelf.works.skin_models import WorkSkin

logger = logging.getLogger(__name__)

# Entries of each kind written to data.json; beyond it the rest is counted, not written.
MAX_ROWS = 20_000
# Works written as files (HTML and EPUB each): a creator with more gets the first ones and
# the creator's backup zip (``bulk``) for the rest.
MAX_WORKS = 2_000
# A ready zip is kept this long, then removed (``remove_expired``).
KEEP_DAYS = 7
# data.json's own version, raised when its shape changes.
FORMAT_VERSION = 1

FILE_PREFIX = "member/"

# ``user``: higher apps (challenges) answer with (name, list of dicts) sections to add.
member_data_wanted = Signal()


def request_export(user: User) -> DataExport:
    """A new export for ``user``, or the one already queued or being packed."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one at a time
        waiting = user.data_exports.filter(
            state__in=[DataExport.State.QUEUED, DataExport.State.PACKING]
        ).first()
        if waiting is not None:
            return waiting
        export = DataExport.objects.create(user=user, requested_at=timezone.now())
    return export


def packing_key(export_id: int) -> str:
    """The name of the zip's part file while it is written (``bulk.made_in_place``)."""
    return f"member-data-{export_id}"


def pack(export_id: int, *, site_url: str, site_name: str) -> bool:
    """Pack the export ``export_id``; False when it is gone or not waiting."""
    taken = DataExport.objects.filter(pk=export_id, state=DataExport.State.QUEUED).update(
        state=DataExport.State.PACKING
    )
    if not taken:
        return False
    export = DataExport.objects.select_related("user").get(pk=export_id)
    key = packing_key(export.pk)
    # Not under the bulk files' prefix, which expire after a day: this one lasts KEEP_DAYS.
    name = f"{FILE_PREFIX}{export.pk}-{export.requested_at:%Y%m%d%H%M%S}.zip"
    try:
        with bulk.made_in_place(key, name) as part:
            _write_zip(part, export, site_url=site_url, site_name=site_name)
    except Exception:
        logger.exception("The data export %s could not be packed", export_id)
        DataExport.objects.filter(pk=export_id).update(
            state=DataExport.State.FAILED, finished_at=timezone.now()
        )
        _tell(export.user, "Your data could not be packed this time; you can ask again.", export)
        return False
    made = made_files.find(name)
    now = timezone.now()
    DataExport.objects.filter(pk=export_id).update(
        state=DataExport.State.READY,
        file=made,
        finished_at=now,
        expires_at=now + datetime.timedelta(days=KEEP_DAYS),
        done=export.total,
    )
    _tell(export.user, f"Your data is ready to download until {KEEP_DAYS} days from now.", export)
    return True


def _tell(user: User, text: str, export: DataExport) -> None:
    from django.urls import reverse

    InboxItem.objects.create(
        recipient=user,
        kind=InboxKind.ACCOUNT,
        text=text,
        link=reverse("downloads:my_data"),
        awaits_digest=True,
    )


def remove_expired() -> int:
    """Exports past their expiry go, with their files; how many."""
    expired = DataExport.objects.filter(expires_at__lt=timezone.now())
    return _remove(expired)


def _remove(exports: QuerySet[DataExport]) -> int:
    file_ids = [pk for pk in exports.values_list("file_id", flat=True) if pk is not None]
    removed, _ = exports.delete()
    MadeFile.objects.filter(pk__in=file_ids).delete()
    return removed


def remove_for(user_id: int) -> int:
    """Every export of the member and its file (their account is closing)."""
    return _remove(DataExport.objects.filter(user_id=user_id))


# ---- What goes in ----


def _write_zip(part: Any, export: DataExport, *, site_url: str, site_name: str) -> None:
    user = export.user
    works = _works_of(user)
    sections, left_out = collect(user, site_url=site_url)
    total = len(works) + 1
    DataExport.objects.filter(pk=export.pk).update(total=total, done=0)
    export.total = total
    written_files: dict[int, list[str]] = {}
    with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entries = _work_entries(works, site_url=site_url, site_name=site_name)
        for done, (work, entry) in enumerate(entries, start=1):
            if entry is not None:
                written_files[work.pk] = _add_work(archive, work, entry, site_url, site_name)
            if done % 10 == 0:
                DataExport.objects.filter(pk=export.pk).update(done=done)
        for row in sections["works"]:
            row["files"] = written_files.get(row["id"], [])
        data = {
            "format": FORMAT_VERSION,
            "archive": {"name": site_name, "url": site_url},
            "made_at": timezone.now().isoformat(),
            **sections,
            "left_out": left_out,
        }
        _add_icons(archive, user)
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=1, default=str))
        archive.writestr("README.txt", _readme(user, site_name, site_url, left_out))


def _works_of(user: User) -> list[Work]:
    mine = (
        Work.objects.filter(creatorships__pseud__user=user, creatorships__is_approved=True)
        .distinct()
        .order_by("title", "pk")
    )
    return bulk.works_with_download_facts(mine[:MAX_WORKS])


def _work_entries(
    works: list[Work], *, site_url: str, site_name: str
) -> Iterable[tuple[Work, bulk.Entry | None]]:
    seen: set[str] = set()
    for work in works:
        entry = bulk.entry_for(
            work, prefix="works/", include_unposted=True, site_url=site_url, site_name=site_name
        )
        if entry is not None:
            stem, number = entry.stem, 2
            while stem.casefold() in seen:  # two works of one title must not overwrite
                stem, number = f"{entry.stem} ({number})", number + 1
            seen.add(stem.casefold())
            entry = bulk.Entry(entry.work_id, entry.version, stem)
        yield work, entry


def _add_work(
    archive: zipfile.ZipFile, work: Work, entry: bulk.Entry, site_url: str, site_name: str
) -> list[str]:
    try:
        if bulk._add_work(archive, entry, work, ["html", "epub"], True, site_url, site_name):
            return [f"{entry.stem}.html", f"{entry.stem}.epub"]
    except Exception:
        # One work that cannot be made must not cost the member the rest of their data;
        # its text is still in data.json's chapters.
        logger.exception("Work %s could not be made for a data export", work.pk)
    return []


def collect(user: User, *, site_url: str) -> tuple[dict[str, Any], dict[str, int]]:
    """data.json's sections for ``user``, and how many entries of each were left out."""
    left_out: dict[str, int] = {}

    def rows(
        name: str,
        queryset: QuerySet[Any],
        shape: Callable[[Any], dict[str, Any]],
        prepare: Callable[[list[Any]], None] | None = None,
    ) -> list[dict[str, Any]]:
        count = queryset.count()
        if count > MAX_ROWS:
            left_out[name] = count - MAX_ROWS
        found = list(queryset[:MAX_ROWS])
        if prepare is not None:
            prepare(found)
        return [shape(row) for row in found]

    def url(path: str) -> str:
        return urljoin(site_url, path) if path else ""

    preference = Preference.objects.filter(user=user).first()
    profile = MemberProfile.objects.filter(user=user).first()
    sections: dict[str, Any] = {
        "account": {
            "username": user.username,
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "preferences": _fields(preference, exclude=["id", "user"]) if preference else None,
        "profile": {"about": profile.about if profile else ""},
        "pseuds": rows(
            "pseuds",
            Pseud.objects.filter(user=user)
            .select_related("icon")
            .defer("icon__image")
            .order_by("pk"),
            lambda p: {
                "name": p.name,
                "is_default": p.is_default,
                "description": p.description,
                "created_at": p.created_at,
                "icon": _icon_entry(p),
            },
        ),
        "works": rows(
            "works",
            Work.objects.filter(creatorships__pseud__user=user, creatorships__is_approved=True)
            .distinct()
            .order_by("title", "pk")
            .prefetch_related("chapters"),
            lambda w: {
                "id": w.pk,
                "title": w.title,
                "url": url(w.get_absolute_url()),
                "is_posted": w.is_posted,
                "post_at": w.post_at,  # a draft scheduled to post (works.scheduling)
                "summary": w.summary,
                "chapters": [
                    {
                        "position": c.position,
                        "title": c.title,
                        "is_posted": c.is_posted,
                        "post_at": c.post_at,
                    }
                    for c in w.chapters.all()
                ],
            },
        ),
        "comments": rows(
            "comments",
            Comment.objects.filter(user=user).order_by("pk"),
            lambda c: {
                "work": url(f"/works/{c.work_id}/"),
                "text": c.text,
                "created_at": c.created_at,
                "edited_at": c.edited_at,
                "is_deleted": c.is_deleted,
            },
        ),
        "kudos": rows(
            "kudos",
            Kudos.objects.filter(user=user).order_by("pk"),
            lambda k: {"work": url(f"/works/{k.work_id}/"), "created_at": k.created_at},
        ),
        "bookmarks": rows(
            "bookmarks",
            Bookmark.objects.filter(user=user).select_related("external_work").order_by("pk"),
            lambda b: {
                "work": url(f"/works/{b.work_id}/") if b.work_id else None,
                "series": url(f"/series/{b.series_id}/") if b.series_id else None,
                "external_work": (
                    {
                        "url": b.external_work.url,
                        "title": b.external_work.title,
                        "creator": b.external_work.creator,
                    }
                    if b.external_work is not None
                    else None
                ),
                "notes": b.notes,
                "tags": b.tags,
                "is_private": b.is_private,
                "is_rec": b.is_rec,
                "created_at": b.created_at,
            },
        ),
        "reading_lists": rows(
            "reading_lists",
            ReadingList.objects.filter(owner=user).prefetch_related("items").order_by("pk"),
            lambda rl: {
                "name": rl.name,
                "is_public": rl.is_public,
                "works": [url(f"/works/{i.work_id}/") for i in rl.items.all()],
            },
        ),
        "history": rows(
            "history",
            Reading.objects.filter(user=user).order_by("pk"),
            lambda r: {
                "work": url(f"/works/{r.work_id}/"),
                # Where they were, for "Continue reading" (social.reading_place).
                "chapter": url(f"/works/{r.work_id}/chapters/{r.chapter_id}/")
                if r.chapter_id
                else None,
                "scroll_fraction": r.scroll_fraction,
                "last_viewed_at": r.last_viewed_at,
                "view_count": r.view_count,
                "is_marked_for_later": r.is_marked_for_later,
            },
        ),
        "subscriptions": rows(
            "subscriptions",
            Subscription.objects.filter(user=user).select_related("creator").order_by("pk"),
            lambda s: {
                "work": url(f"/works/{s.work_id}/") if s.work_id else None,
                "series": url(f"/series/{s.series_id}/") if s.series_id else None,
                "creator": s.creator.username if s.creator else None,
                "created_at": s.created_at,
            },
        ),
        "inbox": rows(
            "inbox",
            # What their inbox shows them, said as it shows it: no notice about a work
            # they may no longer see, and invitations as they stand now (a draft's old
            # title, an accepted credit on someone's draft, never leave through here).
            InboxItem.objects.filter(recipient=user).about_works_visible_to(user).order_by("pk"),
            lambda i: {
                "kind": i.kind,
                "text": i.text,
                "link": url(i.link),
                "is_read": i.is_read,
                "created_at": i.created_at,
            },
            prepare=as_they_stand,
        ),
        "blocks": rows(
            "blocks",
            Block.objects.filter(blocker=user).select_related("blocked").order_by("pk"),
            lambda b: {"username": b.blocked.username, "created_at": b.created_at},
        ),
        "mutes": rows(
            "mutes",
            Mute.objects.filter(muter=user).select_related("muted").order_by("pk"),
            lambda m: {"username": m.muted.username, "created_at": m.created_at},
        ),
        "collection_roles": rows(
            "collection_roles",
            CollectionParticipant.objects.filter(user=user).select_related("collection"),
            lambda p: {"collection": p.collection.name, "role": p.role},
        ),
        "site_skins": rows(
            "site_skins",
            SiteSkin.objects.filter(owner=user).order_by("pk"),
            lambda s: {"title": s.title, "css": s.css, "updated_at": s.updated_at},
        ),
        "work_skins": rows(
            "work_skins",
            WorkSkin.objects.filter(owner=user).order_by("pk"),
            lambda s: {
                "title": s.title,
                "css": s.css,
                "updated_at": s.updated_at,
                # Their own works using it (a co-creator's draft is not theirs to read).
                "works": [
                    url(w.get_absolute_url())
                    for w in s.works.filter(
                        creatorships__pseud__user=user, creatorships__is_approved=True
                    )
                    .distinct()
                    .order_by("pk")
                ],
            },
        ),
        "reader_keys": rows(
            "reader_keys",
            ReaderKey.objects.filter(user=user).order_by("pk"),
            lambda k: {
                "label": k.label,
                "created_at": k.created_at,
                "last_used_at": k.last_used_at,
            },
        ),
    }
    for _receiver, answer in member_data_wanted.send(sender=User, user=user):
        extra: list[tuple[str, list[dict[str, Any]]]] = list(answer or [])  # type: ignore[arg-type]
        for name, entries in extra:
            if len(entries) > MAX_ROWS:
                left_out[name] = len(entries) - MAX_ROWS
            sections[name] = entries[:MAX_ROWS]
    return sections, left_out


ICONS_FOLDER = "icons/"


def _icon_entry(pseud: Pseud) -> dict[str, str] | None:
    """Where the pseud's icon is in the zip, and its description (None: no icon). The
    pseud comes with its icon's row, less the picture (``_add_icons`` writes that)."""
    try:
        icon = pseud.icon
    except PseudIcon.DoesNotExist:
        return None
    return {"file": f"{ICONS_FOLDER}{pseud.pk}.png", "alt": icon.alt}


def _add_icons(archive: zipfile.ZipFile, user: User) -> None:
    for pseud_id, image in PseudIcon.objects.filter(pseud__user=user).values_list(
        "pseud_id", "image"
    ):
        archive.writestr(f"{ICONS_FOLDER}{pseud_id}.png", bytes(image))


def _fields(instance: Model, *, exclude: list[str]) -> dict[str, Any]:
    return model_to_dict(instance, exclude=exclude)


def _readme(user: User, site_name: str, site_url: str, left_out: dict[str, int]) -> str:
    lines = [
        f"Everything {site_name} ({site_url}) holds about the account {user.username},",
        f"made on {timezone.now():%Y-%m-%d %H:%M} UTC.",
        "",
        "data.json: the account, preferences, pseuds, works, comments, kudos, bookmarks,",
        "reading lists, history, subscriptions, inbox, blocks, mutes and more, for programs.",
        "works/: each of your works (drafts too) as HTML and EPUB.",
        "icons/: your pseuds' icons (data.json says whose each one is).",
    ]
    if left_out:
        lines += ["", "Left out (over the limit of entries one export writes):"]
        lines += [f"  {name}: {count} more" for name, count in sorted(left_out.items())]
    return "\n".join(lines) + "\n"
