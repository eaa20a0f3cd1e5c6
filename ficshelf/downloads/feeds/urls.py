from collections.abc import Callable

from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, path

from ficshelf.downloads.feeds import opds, opds2, views

app_name = "feeds"

OPDS_ROUTES: list[tuple[str, Callable[..., HttpResponse], str]] = [
    ("", opds.root, "root"),
    ("new/", opds.new_works, "new"),
    ("fandoms/", opds.fandoms, "fandoms"),
    ("tags/<int:tag_id>/", opds.tag, "tag"),
    ("series/", opds.series_index, "series_index"),
    ("series/<int:series_id>/", opds.series, "series"),
    ("later/", opds.marked_for_later, "later"),
    ("lists/<int:list_id>/", opds.reading_list, "list"),
    ("search.xml", opds.search_description, "search_description"),
    ("search/", opds.search, "search"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    # AO3's shape for tag feeds: /tags/<id>/feed.atom.
    path("tags/<int:tag_id>/feed.atom", views.tag_feed, name="tag"),
    path("users/<str:username>/feed.atom", views.creator_feed, name="creator"),
    path("series/<int:series_id>/feed.atom", views.series_feed, name="series"),
    path(
        "creators/<int:pseud_id>/feed.atom",
        views.external_creator_feed,
        name="external_creator",
    ),
    # The OPDS 1.2 catalog.
    *(path(f"opds/{route}", view, name=f"opds_{name}") for route, view, name in OPDS_ROUTES),
    # The same views answering in OPDS 2.0.
    *(
        path(f"opds/v2/{route}", opds2.version_2(view), name=f"opds2_{name}")
        for route, view, name in OPDS_ROUTES
        if name != "search_description"  # 2.0 has a templated search link instead
    ),
]
