from django.urls import path

from ficshelf.challenges import views

app_name = "challenges"

urlpatterns = [
    path("collections/<slug:name>/exchange/", views.exchange_page, name="exchange"),
    path("collections/<slug:name>/exchange/setup/", views.setup, name="setup"),
    path("collections/<slug:name>/exchange/stage/", views.stage, name="stage"),
    path("collections/<slug:name>/exchange/signup/", views.signup, name="signup"),
    path("collections/<slug:name>/exchange/signups/", views.signups, name="signups"),
    path("collections/<slug:name>/exchange/assignments/", views.assignments, name="assignments"),
    path("collections/<slug:name>/exchange/pinch-hits/", views.pinch_hits, name="pinch_hits"),
    path("assignments/", views.my_assignments, name="my_assignments"),
    path("tag-sets/new/", views.new_tag_set, name="new_tag_set"),
    path("tag-sets/<int:set_id>/", views.tag_set, name="tag_set"),
]
