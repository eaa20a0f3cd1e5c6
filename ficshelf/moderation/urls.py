from django.urls import path

from ficshelf.moderation import spam_views, views

app_name = "moderation"

urlpatterns = [
    path("works/<int:work_id>/report/", views.report_work, name="report_work"),
    path("comments/<int:comment_id>/report/", views.report_comment, name="report_comment"),
    path("moderation/spam/", spam_views.spam_queue, name="spam_queue"),
    path("moderation/spam/accounts/<int:user_id>/", spam_views.not_spam, name="not_spam"),
    path("moderation/spam/<str:kind>/<int:pk>/", spam_views.decide, name="spam_decide"),
]
