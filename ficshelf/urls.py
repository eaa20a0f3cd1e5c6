from django.contrib import admin
from django.urls import include, path

from ficshelf.accounts import views as accounts_views
from ficshelf.core import views as core_views

urlpatterns = [
    path("favicon.ico", core_views.favicon, name="favicon"),
    # The admin site's login, behind the archive's login limits (before the admin's own).
    path("admin/login/", accounts_views.admin_login),
    path("admin/", admin.site.urls),
    path("accounts/", include("ficshelf.accounts.urls")),
    path("users/", include("ficshelf.accounts.user_urls")),
    path("", include("ficshelf.social.urls")),
    path("", include("ficshelf.moderation.urls")),
    path("", include("ficshelf.downloads.urls")),
    path("", include("ficshelf.downloads.feeds.urls")),
    path("", include("ficshelf.downloads.bulk.urls")),
    path("", include("ficshelf.tags.urls")),
    path("", include("ficshelf.search.urls")),
    path("", include("ficshelf.works.urls")),
]

# A full disk and a database that is away get 503 pages of their own (core.error_views);
# any other uncaught error gets Django's 500 page.
handler500 = "ficshelf.core.error_views.server_error"
