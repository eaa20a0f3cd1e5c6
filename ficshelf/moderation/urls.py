from django.urls import path

from ficshelf.moderation import views

app_name = "moderation"

urlpatterns = [
    path("works/<int:work_id>/report/", views.report_work, name="report_work"),
    path("comments/<int:comment_id>/report/", views.report_comment, name="report_comment"),
]
