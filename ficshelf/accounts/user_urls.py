"""Members' pages under /users/: blocking and muting, pseuds' icons. ``ficshelf/urls.py``
mounts them under the ``users`` names with the profile and its tabs, which list works (the
works app's ``creator_views``) and a writer's statistics (the social app's)."""

from django.urls import URLPattern, URLResolver, path

from ficshelf.accounts import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:username>/block/", views.block, name="block"),
    path("<str:username>/unblock/", views.unblock, name="unblock"),
    path("<str:username>/mute/", views.mute, name="mute"),
    path("<str:username>/unmute/", views.unmute, name="unmute"),
    path(
        "<str:username>/icons/<int:pseud_id>/<str:digest>.png",
        views.pseud_icon,
        name="pseud_icon",
    ),
]
