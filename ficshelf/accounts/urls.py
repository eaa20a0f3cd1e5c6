from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, path, reverse_lazy

from ficshelf.accounts import reader_key_views, skin_views, two_factor_views, views

app_name = "accounts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("invitations/request/", views.request_invitation, name="request_invitation"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            extra_context={"login_url": reverse_lazy("accounts:login")}
        ),
        name="password_reset_complete",
    ),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("settings/", views.account_settings, name="settings"),
    path("email/", views.change_email, name="change_email"),
    path("delete/", views.delete_account, name="delete"),
    path("preferences/", views.preferences, name="preferences"),
    path("profile/", views.edit_profile, name="edit_profile"),
    path("site-skins/", skin_views.skin_list, name="site_skins"),
    path("site-skins/new/", skin_views.skin_new, name="site_skin_new"),
    path("site-skins/<int:skin_id>/edit/", skin_views.skin_edit, name="site_skin_edit"),
    path("site-skins/<int:skin_id>/delete/", skin_views.skin_delete, name="site_skin_delete"),
    path("site-skins/<int:skin_id>/public/", skin_views.skin_public, name="site_skin_public"),
    path("site-skins/public/", skin_views.public_skin_list, name="public_site_skins"),
    path(
        "site-skins/public/<int:skin_id>/preview/",
        skin_views.public_skin_preview,
        name="public_site_skin_preview",
    ),
    path(
        "site-skins/public/<int:skin_id>/choose/",
        skin_views.public_skin_choose,
        name="public_site_skin_choose",
    ),
    path(
        "site-skins/<int:skin_id>/<slug:version>.css",
        skin_views.skin_stylesheet,
        name="site_skin_stylesheet",
    ),
    path("pseuds/", views.pseud_list, name="pseuds"),
    path("pseuds/<int:pseud_id>/edit/", views.pseud_edit, name="pseud_edit"),
    path("pseuds/<int:pseud_id>/icon/", views.pseud_icon_edit, name="pseud_icon"),
    path("pseuds/<int:pseud_id>/default/", views.pseud_make_default, name="pseud_default"),
    path("pseuds/<int:pseud_id>/delete/", views.pseud_delete, name="pseud_delete"),
    path("blocks/", views.blocks, name="blocks"),
    path("mutes/", views.mutes, name="mutes"),
    path("two-factor/", two_factor_views.overview, name="two_factor"),
    path("two-factor/setup/", two_factor_views.setup, name="two_factor_setup"),
    path("two-factor/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("two-factor/codes/", two_factor_views.regenerate_codes, name="two_factor_codes"),
    path("two-factor/off/", two_factor_views.turn_off, name="two_factor_off"),
    path(
        "warnings/<int:warning_id>/read/",
        views.acknowledge_warning,
        name="acknowledge_warning",
    ),
    path("reader-keys/", reader_key_views.reader_keys, name="reader_keys"),
    path(
        "reader-keys/<int:key_id>/revoke/",
        reader_key_views.revoke_reader_key,
        name="revoke_reader_key",
    ),
]
