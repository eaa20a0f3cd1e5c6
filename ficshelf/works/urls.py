"""The works app's pages; ``ficshelf/urls.py`` mounts them under the ``works`` names with the
archive's listing (``works:index``, ``works:list``), which the search app makes."""

from django.urls import URLPattern, URLResolver, path

from ficshelf.works import (
    creator_views,
    people_search,
    posting_views,
    related_views,
    schedule_views,
    series_views,
    skin_review_views,
    skin_views,
    tag_suggestions,
    views,
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("works/<int:work_id>/", views.work_detail, name="detail"),
    path("gifts/<int:gift_id>/refuse/", creator_views.refuse_gift_view, name="refuse_gift"),
    path("works/<int:work_id>/navigate/", views.chapter_index, name="navigate"),
    path("works/<int:work_id>/chapters/", views.chapter_select, name="chapter_select"),
    path("works/<int:work_id>/chapters/<int:chapter_id>/", views.chapter_detail, name="chapter"),
    path("works/<int:work_id>/adult/", views.proceed_past_adult_notice, name="proceed"),
    path("series/<int:series_id>/", views.series_detail, name="series"),
    # Managing a series (its creators).
    path("series/<int:series_id>/edit/", series_views.manage_series, name="manage_series"),
    path("series/<int:series_id>/order/", series_views.reorder_series, name="reorder_series"),
    path(
        "series/<int:series_id>/invite/",
        series_views.invite_series_creator,
        name="invite_series_creator",
    ),
    path("series/<int:series_id>/delete/", series_views.delete_series, name="delete_series"),
    path("series/<int:series_id>/leave/", series_views.leave_series, name="leave_series"),
    path(
        "series-invitations/<int:invitation_id>/",
        series_views.answer_series_invitation,
        name="answer_series_invitation",
    ),
    # A creator of imported works, who has no account here.
    path("creators/<int:pseud_id>/", creator_views.external_creator, name="external_creator"),
    path("people/search/", people_search.people_search, name="people_search"),
    path(
        "creators/<int:pseud_id>/series/",
        creator_views.external_creator_series,
        name="external_creator_series",
    ),
    # Posting and editing (issue 3).
    path("works/new/", posting_views.new_work, name="new"),
    path("works/<int:work_id>/edit/", posting_views.edit_work, name="edit"),
    path("works/<int:work_id>/post/", posting_views.post_work, name="post"),
    path("works/<int:work_id>/delete/", posting_views.delete_work, name="delete"),
    path("works/<int:work_id>/orphan/", posting_views.orphan_work, name="orphan"),
    path("works/<int:work_id>/leave/", posting_views.leave_work, name="leave"),
    # Works naming this one as their source, for its creators to approve or remove.
    path("works/<int:work_id>/related/", related_views.related_works, name="related_works"),
    path(
        "works/<int:work_id>/related/<int:inspiration_id>/",
        related_views.answer_related,
        name="answer_related",
    ),
    path("works/<int:work_id>/chapters/new/", posting_views.add_chapter, name="add_chapter"),
    path(
        "works/<int:work_id>/chapters/manage/",
        posting_views.manage_chapters,
        name="manage_chapters",
    ),
    path(
        "works/<int:work_id>/chapters/<int:chapter_id>/edit/",
        posting_views.edit_chapter,
        name="edit_chapter",
    ),
    path(
        "works/<int:work_id>/chapters/<int:chapter_id>/post/",
        posting_views.post_chapter,
        name="post_chapter",
    ),
    path(
        "works/<int:work_id>/chapters/<int:chapter_id>/delete/",
        posting_views.delete_chapter,
        name="delete_chapter",
    ),
    path("works/<int:work_id>/schedule/", schedule_views.schedule_work, name="schedule"),
    path(
        "works/<int:work_id>/chapters/<int:chapter_id>/schedule/",
        schedule_views.schedule_chapter,
        name="schedule_chapter",
    ),
    path("dashboard/", posting_views.dashboard, name="dashboard"),
    path(
        "dashboard/guest-comments/",
        posting_views.guest_comments_on_my_works,
        name="guest_comments_on_my_works",
    ),
    path(
        "invitations/<int:creatorship_id>/",
        posting_views.answer_invitation,
        name="answer_invitation",
    ),
    # Work skins: a creator's CSS, and each skin's stylesheet (its address carries a digest).
    path("work-skins/", skin_views.skin_list, name="skins"),
    path("work-skins/new/", skin_views.skin_new, name="skin_new"),
    path("work-skins/<int:skin_id>/edit/", skin_views.skin_edit, name="skin_edit"),
    path("work-skins/<int:skin_id>/delete/", skin_views.skin_delete, name="skin_delete"),
    path("work-skins/<int:skin_id>/public/", skin_views.skin_public, name="skin_public"),
    # Reviewers approve or reject the skins members asked to make public (both kinds).
    path("skins/review/", skin_review_views.review_queue, name="skin_review"),
    path(
        "skins/review/<slug:kind>/<int:skin_id>/",
        skin_review_views.review_skin,
        name="skin_review_step",
    ),
    path(
        "work-skins/<int:skin_id>/<slug:version>.css",
        skin_views.skin_stylesheet,
        name="skin_stylesheet",
    ),
    path(
        "chapter-invitations/<int:invitation_id>/",
        posting_views.answer_chapter_invitation,
        name="answer_chapter_invitation",
    ),
    # Tag suggestions for the posting form.
    path("tags/autocomplete/", tag_suggestions.autocomplete, name="tag_autocomplete"),
]
