"""The downloads' test URLs plus bulk downloads, until ficshelf/urls.py mounts them itself."""

from django.urls import URLPattern, URLResolver, include, path

from tests.downloads.urls import urlpatterns as download_urlpatterns

_mounted = any(getattr(p, "namespace", None) == "bulk" for p in download_urlpatterns)

urlpatterns: list[URLPattern | URLResolver] = list(download_urlpatterns)
if not _mounted:
    urlpatterns.insert(0, path("", include("ficshelf.downloads.bulk.urls")))
