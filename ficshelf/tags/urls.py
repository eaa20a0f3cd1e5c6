from django.urls import path, register_converter

from ficshelf.tags import views
from ficshelf.tags.naming import TagNameConverter

app_name = "tags"

# ``<tagname:tag>``: AO3's escaped tag names ("F*s*M"); other apps' tag URLs may use it too.
register_converter(TagNameConverter, "tagname")

urlpatterns = [
    path("tags/", views.index, name="index"),
    # Before the tag pattern, which would otherwise take "autocomplete" for a tag's name.
    # (works.urls names the same view "works:tag_autocomplete".)
    path("tags/autocomplete/", views.autocomplete, name="autocomplete"),
    path("tags/<tagname:tag>/", views.show, name="show"),
    path("tags/<tagname:tag>/edit/", views.edit, name="edit"),
    path("tags/<tagname:tag>/unwrangled/", views.unwrangled, name="unwrangled"),
]
