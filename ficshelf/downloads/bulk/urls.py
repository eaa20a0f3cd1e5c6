from django.urls import path

from ficshelf.downloads.bulk import views

app_name = "bulk"

urlpatterns = [
    path("series/<int:series_id>/download.zip", views.series_zip, name="series"),
    path("series/<int:series_id>/download.epub", views.series_book, name="series_book"),
    path("lists/<int:list_id>/download.zip", views.reading_list_zip, name="reading_list"),
    path("lists/<int:list_id>/download.epub", views.reading_list_book, name="reading_list_book"),
    path("dashboard/backup.zip", views.backup_zip, name="backup"),
]
