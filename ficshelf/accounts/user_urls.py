"""Members' pages under /users/: blocking and muting. ``ficshelf/urls.py`` mounts them under
the ``users`` names with the profile itself, which lists works (the works app's
``creator_views.member_profile``)."""

from django.urls import URLPattern, URLResolver, path

from ficshelf.accounts import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:username>/block/", views.block, name="block"),
    path("<str:username>/unblock/", views.unblock, name="unblock"),
    path("<str:username>/mute/", views.mute, name="mute"),
    path("<str:username>/unmute/", views.unmute, name="unmute"),
]
