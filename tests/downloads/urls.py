"""The project's URLs plus the downloads, until ficshelf/urls.py mounts them itself."""

from django.urls import URLPattern, URLResolver, include, path

from ficshelf.urls import urlpatterns as project_urlpatterns

_mounted = any(getattr(p, "namespace", None) == "downloads" for p in project_urlpatterns)

urlpatterns: list[URLPattern | URLResolver] = list(project_urlpatterns)
if not _mounted:
    urlpatterns.append(path("", include("ficshelf.downloads.urls")))
