from django.urls import path

from ficshelf.moderation import views

app_name = "moderation"

urlpatterns = [
    path("works/<int:work_id>/report/", views.report_work, name="report_work"),
]
