"""The site's URLs: the project's composition root, the one module that knows every app.

A few pages answer under a lower app's names but are made by a higher app: the archive's
listing (``works:index``) is a search, a tag's page counts works as its listing would, a
member's profile lists their works. A
lower app's URL module may not import a higher app's views (``scripts/test`` checks the
direction), so those routes are put together here.
"""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from ficshelf.accounts import user_urls
from ficshelf.accounts import views as accounts_views
from ficshelf.api.api import urls as api_urls
from ficshelf.api.api import v1 as api_v1
from ficshelf.api.api import v2 as api_v2
from ficshelf.core import views as core_views
from ficshelf.search import media_pages, tag_pages, tag_search
from ficshelf.search import views as search_views
from ficshelf.search.page_cache import keep_work_pages_for_guests
from ficshelf.social.views import writer_stats
from ficshelf.tags import urls as tag_urls  # (registers the ``tagname`` converter first)
from ficshelf.works import creator_views, tag_suggestions
from ficshelf.works import urls as work_urls

user_patterns: list[URLPattern | URLResolver] = [
    path("<str:username>/", creator_views.member_profile, name="profile"),
    path("<str:username>/gifts/", creator_views.member_gifts, name="gifts"),
    path("<str:username>/series/", creator_views.member_series, name="series"),
    path("<str:username>/collections/", creator_views.member_collections, name="collections"),
    path("<str:username>/stats/", writer_stats.stats_page, name="stats"),
    *user_urls.urlpatterns,
]

tag_patterns: list[URLPattern | URLResolver] = [
    path("tags/", tag_pages.index, name="index"),
    # Before the tag pattern, which would otherwise take "autocomplete" or "search" for a
    # tag's name.
    # (The works patterns name the same view "works:tag_autocomplete".)
    path("tags/autocomplete/", tag_suggestions.autocomplete, name="autocomplete"),
    path("tags/search/", tag_search.tag_search, name="search"),
    # AO3's /media and /media/<name>/fandoms (a medium's name escaped as a tag's).
    path("media/", media_pages.media_index, name="media_index"),
    path("media/<tagname:medium>/fandoms/", media_pages.media_fandoms, name="media_fandoms"),
    path("tags/<tagname:tag>/", tag_pages.show, name="show"),
    *tag_urls.urlpatterns,
]

work_patterns: list[URLPattern | URLResolver] = [
    # The archive's listing, with the filter sidebar (``/`` is the home page, sitecontent).
    path("works/", search_views.archive_works, name="index"),
    path("works/", search_views.archive_works, name="list"),
    # A work's page and its chapters' pages are kept for guests like listing pages.
    *keep_work_pages_for_guests(work_urls.urlpatterns, names=["detail", "chapter"]),
]

urlpatterns = [
    path("favicon.ico", core_views.favicon, name="favicon"),
    # The admin site's login, behind the archive's login limits (before the admin's own).
    path("admin/login/", accounts_views.admin_login),
    path("admin/", admin.site.urls),
    path("api/v1/", api_urls(api_v1)),
    path("api/v2/", api_urls(api_v2)),
    path("accounts/api-tokens/", include("ficshelf.api.urls")),
    path("accounts/", include("ficshelf.accounts.urls")),
    path("users/", include((user_patterns, "users"))),
    path("", include("ficshelf.social.urls")),
    path("", include("ficshelf.moderation.urls")),
    path("", include("ficshelf.downloads.urls")),
    path("", include("ficshelf.downloads.feeds.urls")),
    path("", include("ficshelf.downloads.bulk.urls")),
    path("", include("ficshelf.collections.urls")),
    path("", include("ficshelf.challenges.urls")),
    path("", include("ficshelf.challenges.prompt_meme_urls")),
    path("", include("ficshelf.sitecontent.urls")),
    path("", include((tag_patterns, "tags"))),
    path("", include("ficshelf.search.urls")),
    path("", include((work_patterns, "works"))),
]

# A full disk and a database that is away get 503 pages of their own (core.error_views);
# any other uncaught error gets Django's 500 page.
handler500 = "ficshelf.core.error_views.server_error"
