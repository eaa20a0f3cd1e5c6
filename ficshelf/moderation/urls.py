from django.urls import path

from ficshelf.moderation import desk_views, spam_views, views

app_name = "moderation"

urlpatterns = [
    path("works/<int:work_id>/report/", views.report_work, name="report_work"),
    path("comments/<int:comment_id>/report/", views.report_comment, name="report_comment"),
    path("report/chapter/<int:chapter_id>/", views.report_chapter, name="report_chapter"),
    path("report/bookmark/<int:bookmark_id>/", views.report_bookmark, name="report_bookmark"),
    path("report/tag/<int:tag_id>/", views.report_tag, name="report_tag"),
    path("report/profile/<str:username>/", views.report_profile, name="report_profile"),
    path("support/", views.contact, name="contact"),
    path("desk/", desk_views.queue, name="desk"),
    path("desk/reports/<int:report_id>/", desk_views.report_detail, name="desk_report"),
    path("desk/reports/<int:report_id>/reply/", desk_views.reply, name="desk_reply"),
    path("desk/reports/<int:report_id>/close/", desk_views.close, name="desk_close"),
    path("desk/audit/", desk_views.audit_log, name="desk_audit"),
    path("desk/members/<str:username>/", desk_views.member, name="desk_member"),
    path(
        "desk/members/<str:username>/<str:what>/",
        desk_views.member_act,
        name="desk_member_act",
    ),
    path("moderation/spam/", spam_views.spam_queue, name="spam_queue"),
    path("moderation/spam/accounts/<int:user_id>/", spam_views.not_spam, name="not_spam"),
    path("moderation/spam/<str:kind>/<int:pk>/", spam_views.decide, name="spam_decide"),
]
