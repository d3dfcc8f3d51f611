"""Sign-in, registration, passwords, addresses, two-factor sign-in and sessions are allauth's
(``allauth.urls`` under /account/); the old addresses of those pages redirect there."""

from django.urls import include, path
from django.views.generic import RedirectView

from . import views

urlpatterns = [
    path("", include("allauth.urls")),
    path(
        "settings/",
        RedirectView.as_view(pattern_name="account_email", permanent=False),
        name="account_settings",
    ),
    path("register/", views.register, name="register"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.old_password_link,
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        RedirectView.as_view(pattern_name="account_login", permanent=True),
    ),
    path(
        "password/change/done/",
        RedirectView.as_view(pattern_name="account_change_password", permanent=True),
    ),
]
