"""Listings of works, the search page and saved exclusions; included at the site root
before the works app's URLs. (The archive listing answers ``works:index`` and
``works:list``, and the tag pages ``tags:index`` and ``tags:show``: see ``ficshelf/urls.py``.)"""

from django.urls import URLPattern, URLResolver, path

from ficshelf.search import views
from ficshelf.tags import urls as tag_urls  # noqa: F401  (registers the ``tagname`` converter)

app_name = "search"

urlpatterns: list[URLPattern | URLResolver] = [
    path("search/", views.search, name="search"),
    path("exclusions/", views.exclusions, name="exclusions"),
    # A tag's URL part is its name with AO3's escapes ("F*s*M"), see tags.naming.
    path("tags/<tagname:tag>/works/", views.tag_works, name="tag_works"),
    path("users/<str:username>/works/", views.user_works, name="user_works"),
    path("series/<int:series_id>/works/", views.series_works, name="series_works"),
    path("collections/<str:name>/works/", views.collection_works, name="collection_works"),
    path("languages/<str:short>/works/", views.language_works, name="language_works"),
]
