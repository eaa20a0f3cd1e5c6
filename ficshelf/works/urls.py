from django.urls import path

from ficshelf.works import views

app_name = "works"

urlpatterns = [
    path("", views.work_index, name="index"),
    path("works/", views.work_index, name="list"),
    path("works/<int:work_id>/", views.work_detail, name="detail"),
    path("works/<int:work_id>/navigate/", views.chapter_index, name="navigate"),
    path("works/<int:work_id>/chapters/", views.chapter_select, name="chapter_select"),
    path("works/<int:work_id>/chapters/<int:chapter_id>/", views.chapter_detail, name="chapter"),
    path("works/<int:work_id>/adult/", views.proceed_past_adult_notice, name="proceed"),
]
