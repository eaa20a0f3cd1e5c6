"""The project's URLs plus /users/, until ficshelf/urls.py mounts the members' pages itself."""

from django.urls import URLPattern, URLResolver, include, path

from ficshelf.urls import urlpatterns as project_urlpatterns

_mounted = any(getattr(p, "namespace", None) == "users" for p in project_urlpatterns)

urlpatterns: list[URLPattern | URLResolver] = list(project_urlpatterns)
if not _mounted:
    urlpatterns.insert(0, path("users/", include("ficshelf.accounts.user_urls")))
