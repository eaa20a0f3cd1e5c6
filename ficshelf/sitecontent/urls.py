from django.urls import URLPattern, URLResolver, path

from ficshelf.sitecontent import banner_views, home, news_views, page_views

app_name = "sitecontent"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", home.home, name="home"),
    path("news/", news_views.index, name="news"),
    path("news/feed.atom", news_views.feed, name="news_feed"),
    path("news/new/", news_views.new_post, name="news_new"),
    path("news/<int:post_id>/", news_views.show, name="news_post"),
    path("news/<int:post_id>/edit/", news_views.edit_post, name="news_edit"),
    path("news/<int:post_id>/comments/", news_views.comment, name="news_comment"),
    path(
        "news/comments/<int:comment_id>/delete/",
        news_views.delete_comment,
        name="news_comment_delete",
    ),
    path("banner/", banner_views.edit, name="banner"),
    path("banner/dismiss/", banner_views.dismiss, name="banner_dismiss"),
    path("terms/accept/", page_views.accept_terms, name="accept_terms"),
    path("site/<slug:slug>/", page_views.show, name="page"),
    path("site/<slug:slug>/edit/", page_views.edit, name="page_edit"),
    path("site/<slug:slug>/history/", page_views.history, name="page_history"),
    path("site/<slug:slug>/history/<int:number>/", page_views.revision, name="revision"),
    path("site/<slug:slug>/diff/", page_views.diff, name="page_diff"),
]
