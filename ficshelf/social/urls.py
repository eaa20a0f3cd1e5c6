from django.urls import URLPattern, URLResolver, path

from ficshelf.social import views
from ficshelf.social.views import comment_moderation as comment_moderation_views

app_name = "social"

urlpatterns: list[URLPattern | URLResolver] = [
    path("works/<int:work_id>/kudos/", views.leave_kudos, name="kudos"),
    path(
        "works/<int:work_id>/chapters/<int:chapter_id>/comments/",
        views.post_comment,
        name="post_comment",
    ),
    path("comments/<int:comment_id>/", views.comment_permalink, name="comment"),
    path("comments/<int:comment_id>/reply/", views.reply_form, name="reply"),
    path("comments/<int:comment_id>/edit/", views.edit_comment, name="edit_comment"),
    path("comments/<int:comment_id>/delete/", views.delete_comment, name="delete_comment"),
    path("comments/<int:comment_id>/approve/", views.approve_comment, name="approve_comment"),
    path(
        "comments/<int:comment_id>/moderate/<str:change>/",
        comment_moderation_views.moderate_comment,
        name="moderate_comment",
    ),
    path("works/<int:work_id>/bookmark/", views.bookmark_work, name="bookmark_work"),
    path("works/<int:work_id>/bookmarks/", views.work_bookmarks, name="work_bookmarks"),
    path("series/<int:series_id>/bookmark/", views.bookmark_series, name="bookmark_series"),
    path("bookmarks/", views.my_bookmarks, name="my_bookmarks"),
    path("bookmarks/search/", views.bookmark_search, name="bookmark_search"),
    path(
        "bookmarks/external/new/",
        views.bookmark_new_external_work,
        name="bookmark_new_external_work",
    ),
    path(
        "external_works/<int:external_work_id>/bookmark/",
        views.bookmark_external_work_again,
        name="bookmark_external_work",
    ),
    path("users/<str:username>/bookmarks/", views.user_bookmarks, name="user_bookmarks"),
    path("bookmarks/<int:bookmark_id>/delete/", views.delete_bookmark, name="delete_bookmark"),
    path("works/<int:work_id>/subscribe/", views.subscribe_work, name="subscribe_work"),
    path("series/<int:series_id>/subscribe/", views.subscribe_series, name="subscribe_series"),
    path("users/<str:username>/subscribe/", views.subscribe_creator, name="subscribe_creator"),
    path("subscriptions/", views.my_subscriptions, name="my_subscriptions"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.mark_inbox_read, name="mark_inbox_read"),
    path("works/<int:work_id>/later/", views.mark_for_later, name="mark_for_later"),
    path("works/<int:work_id>/place/", views.reading_place, name="reading_place"),
    path("history/", views.history, name="history"),
    path("history/clear/", views.clear_history, name="clear_history"),
    path("history/<int:reading_id>/delete/", views.delete_reading, name="delete_reading"),
    path("later/", views.marked_for_later, name="marked_for_later"),
    path("lists/", views.my_lists, name="my_lists"),
    path("lists/<int:list_id>/", views.list_detail, name="list_detail"),
    path("lists/<int:list_id>/delete/", views.delete_list, name="delete_list"),
    path(
        "lists/<int:list_id>/works/<int:work_id>/remove/",
        views.remove_from_list,
        name="remove_from_list",
    ),
    path("works/<int:work_id>/lists/", views.add_to_list, name="add_to_list"),
]
