"""Background work for bulk downloads: packing a zip or an omnibus EPUB, run by
django-tasks' worker."""

from __future__ import annotations

from django_tasks import task

from ficshelf.downloads.bulk import actions, omnibus


@task()
def pack_zip(
    key: str,
    heading: str,
    entries: list[list[int | str]],
    extensions: list[str],
    include_unposted: bool,
    site_url: str,
    site_name: str,
) -> int:
    return actions.pack_zip(
        key,
        heading=heading,
        entries=[actions.Entry(int(pk), str(version), str(stem)) for pk, version, stem in entries],
        extensions=extensions,
        include_unposted=include_unposted,
        site_url=site_url,
        site_name=site_name,
    )


@task()
def pack_book(
    key: str,
    title: str,
    source_url: str,
    description: str,
    entries: list[list[int | str]],
    site_url: str,
    site_name: str,
) -> int:
    return omnibus.pack_book(
        key,
        title=title,
        source_url=source_url,
        description=description,
        entries=[actions.Entry(int(pk), str(version), str(stem)) for pk, version, stem in entries],
        site_url=site_url,
        site_name=site_name,
    )
