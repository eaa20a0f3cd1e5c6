from django.urls import re_path

from ficshelf.downloads import views

app_name = "downloads"

urlpatterns = [
    # AO3's shape: /downloads/<id>/<slug>.<ext> ("/downloads/41588007/The_Idol.epub").
    re_path(
        r"^downloads/(?P<work_id>[0-9]+)/(?P<slug>[^/]+)\.(?P<extension>[a-z0-9]+)$",
        views.download_work,
        name="work",
    ),
]
