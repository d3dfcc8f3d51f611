from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.forms import InvitedPasswordResetForm
from core.ratelimit import rate_limit
from joins.urls import join_urlpatterns, request_urlpatterns
from notifications import webhooks

from .health import health

admin.site.site_header = "Seatstore administration"
admin.site.site_title = "Seatstore admin"
admin.site.index_title = "Run the store"


def limited_posts(scope: str, view):
    """Rate limit the POSTs of a page a stranger can hammer (guessing passwords, mail-bombing
    someone with reset links); reading the page stays free."""
    return rate_limit(
        scope,
        limit=lambda: getattr(settings, f"{scope.upper()}_RATE_LIMIT"),
        methods=("POST",),
        template="registration/rate_limited.html",
    )(view)


auth_urlpatterns = [
    path(
        "login/",
        limited_posts("login", auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        limited_posts(
            "password_reset",
            auth_views.PasswordResetView.as_view(form_class=InvitedPasswordResetForm),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:home", permanent=False)),
    path("health/", health, name="health"),
    path("account/", include(auth_urlpatterns)),
    path("account/", include("accounts.urls")),
    path("account/", include("portal.urls")),
    path("account/", include("joins.portal_urls")),
    path("redeem/", include("seats.urls")),
    path("alerts/", include("alerts.urls")),
    path("join/", include(join_urlpatterns)),
    path("request-seat/", include(request_urlpatterns)),
    path("shop/", include("shop.urls")),
    path("campus/", include("campus.urls")),
    path("webhooks/anymail/<slug:esp>/tracking/", webhooks.tracking, name="tracking_webhook"),
    path("admin/", admin.site.urls),
]

if settings.DEMO_MODE:
    urlpatterns.append(path("dev/", include("notifications.urls")))
