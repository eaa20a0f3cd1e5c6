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
