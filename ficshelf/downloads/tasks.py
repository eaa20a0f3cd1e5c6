"""Background work for downloads: the slow formats (PDF, AZW3, MOBI), made by the worker."""

from __future__ import annotations

from django_tasks import task

from ficshelf.downloads import actions


@task()
def prepare_download(
    work_id: int,
    key: str,
    extension: str,
    variant: str,
    work_url: str,
    site_url: str,
    site_name: str,
) -> bool:
    return actions.prepare_download(
        work_id, key, extension, variant, work_url=work_url, site_url=site_url,
        site_name=site_name,
    )  # fmt: skip


@task()
def pack_member_data(export_id: int, site_url: str, site_name: str) -> bool:
    from ficshelf.downloads import member_data

    return member_data.pack(export_id, site_url=site_url, site_name=site_name)


@task()
def remove_expired_member_data() -> int:
    from ficshelf.downloads import member_data

    return member_data.remove_expired()
