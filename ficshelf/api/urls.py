from django.urls import URLPattern, URLResolver, path

from ficshelf.api import token_views

app_name = "api_tokens"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", token_views.api_tokens, name="list"),
    path("<int:token_id>/revoke/", token_views.revoke, name="revoke"),
]
