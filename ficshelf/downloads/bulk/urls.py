from django.urls import path

from ficshelf.downloads.bulk import views

app_name = "bulk"

urlpatterns = [
    path("series/<int:series_id>/download.zip", views.series_zip, name="series"),
    path("lists/<int:list_id>/download.zip", views.reading_list_zip, name="reading_list"),
    path("dashboard/backup.zip", views.backup_zip, name="backup"),
]
