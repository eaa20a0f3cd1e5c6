from django.urls import URLPattern, URLResolver, path

from ficshelf.downloads.feeds import opds, views

app_name = "feeds"

urlpatterns: list[URLPattern | URLResolver] = [
    # AO3's shape for tag feeds: /tags/<id>/feed.atom.
    path("tags/<int:tag_id>/feed.atom", views.tag_feed, name="tag"),
    path("users/<str:username>/feed.atom", views.creator_feed, name="creator"),
    path("series/<int:series_id>/feed.atom", views.series_feed, name="series"),
    # The OPDS 1.2 catalog.
    path("opds/", opds.root, name="opds_root"),
    path("opds/new/", opds.new_works, name="opds_new"),
    path("opds/fandoms/", opds.fandoms, name="opds_fandoms"),
    path("opds/tags/<int:tag_id>/", opds.tag, name="opds_tag"),
    path("opds/series/", opds.series_index, name="opds_series_index"),
    path("opds/series/<int:series_id>/", opds.series, name="opds_series"),
    path("opds/later/", opds.marked_for_later, name="opds_later"),
    path("opds/lists/<int:list_id>/", opds.reading_list, name="opds_list"),
    path("opds/search.xml", opds.search_description, name="opds_search_description"),
    path("opds/search/", opds.search, name="opds_search"),
]
