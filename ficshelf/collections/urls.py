from django.urls import path

from ficshelf.collections import views

app_name = "collections"

urlpatterns = [
    path("collections/", views.index, name="index"),
    path("collections/new/", views.new, name="new"),
    path("collections/autocomplete/", views.autocomplete, name="autocomplete"),
    path("collections/mine/", views.my_items, name="my_items"),
    path("works/<int:work_id>/collections/add/", views.add_to_collection, name="add_work"),
    path("collections/<slug:name>/", views.profile, name="profile"),
    path("collections/<slug:name>/bookmarks/", views.bookmarks, name="bookmarks"),
    path("collections/<slug:name>/header", views.header_image, name="header_image"),
    path("collections/<slug:name>/edit/", views.edit, name="edit"),
    path("collections/<slug:name>/items/", views.items, name="items"),
    path("collections/<slug:name>/reveal/", views.reveal_view, name="reveal"),
    path("collections/<slug:name>/participants/", views.participants, name="participants"),
]
