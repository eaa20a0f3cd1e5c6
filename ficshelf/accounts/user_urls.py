"""Members' public pages, mounted at /users/ (``path("users/", include(...))``)."""

from django.urls import URLPattern, URLResolver, path

from ficshelf.accounts import views

app_name = "users"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:username>/", views.profile, name="profile"),
    path("<str:username>/block/", views.block, name="block"),
    path("<str:username>/unblock/", views.unblock, name="unblock"),
    path("<str:username>/mute/", views.mute, name="mute"),
    path("<str:username>/unmute/", views.unmute, name="unmute"),
]
