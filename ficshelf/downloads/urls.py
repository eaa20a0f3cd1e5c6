from django.urls import path, re_path

from ficshelf.downloads import member_data_views, views

app_name = "downloads"

urlpatterns = [
    # AO3's shape: /downloads/<id>/<slug>.<ext> ("/downloads/41588007/The_Idol.epub").
    re_path(
        r"^downloads/(?P<work_id>[0-9]+)/(?P<slug>[^/]+)\.(?P<extension>[a-z0-9]+)$",
        views.download_work,
        name="work",
    ),
    path("accounts/data/", member_data_views.my_data, name="my_data"),
    path("accounts/data/request/", member_data_views.request_my_data, name="request_my_data"),
    path(
        "accounts/data/<int:export_id>/download.zip",
        member_data_views.download_my_data,
        name="download_my_data",
    ),
]
