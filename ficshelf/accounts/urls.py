from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, path

app_name = "accounts"

# Sign-in and sign-out first; the rest of the account pages arrive with issue 3.
urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
