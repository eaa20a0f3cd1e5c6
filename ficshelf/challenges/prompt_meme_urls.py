from django.urls import path

from ficshelf.challenges import prompt_meme_views as views

app_name = "prompt_memes"

urlpatterns = [
    path("prompts/mine/", views.my_prompts, name="mine"),
    path("prompts/mine/claims/", views.my_claims, name="my_claims"),
    path("collections/<slug:name>/prompts/", views.prompts, name="prompts"),
    path("collections/<slug:name>/prompts/new/", views.new_prompt, name="new"),
    path("collections/<slug:name>/prompts/settings/", views.settings, name="settings"),
    path("collections/<slug:name>/prompts/<int:prompt_id>/", views.prompt_page, name="prompt"),
    path("collections/<slug:name>/prompts/<int:prompt_id>/edit/", views.edit_prompt, name="edit"),
    path(
        "collections/<slug:name>/prompts/<int:prompt_id>/delete/",
        views.delete_prompt,
        name="delete",
    ),
    path("collections/<slug:name>/prompts/<int:prompt_id>/claim/", views.claim, name="claim"),
    path("collections/<slug:name>/prompts/<int:prompt_id>/fill/", views.fill, name="fill"),
]
