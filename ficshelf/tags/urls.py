"""The wranglers' pages, and the ``tagname`` path converter. ``ficshelf/urls.py`` mounts them
under the ``tags`` names with the tag pages the search and works apps make (a tag's page,
the fandoms index, the posting form's suggestions)."""

from django.urls import URLPattern, URLResolver, path, register_converter

from ficshelf.tags import views
from ficshelf.tags.naming import TagNameConverter

# ``<tagname:tag>``: AO3's escaped tag names ("F*s*M"); other apps' tag URLs may use it too.
register_converter(TagNameConverter, "tagname")

urlpatterns: list[URLPattern | URLResolver] = [
    path("tags/<tagname:tag>/edit/", views.edit, name="edit"),
    path("tags/<tagname:tag>/unwrangled/", views.unwrangled, name="unwrangled"),
]
