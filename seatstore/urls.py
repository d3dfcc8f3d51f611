from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from .health import health

admin.site.site_header = "Seatstore administration"
admin.site.site_title = "Seatstore admin"
admin.site.index_title = "Run the store"

auth_urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
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
    path("", RedirectView.as_view(pattern_name="accounts:home", permanent=False)),
    path("health/", health, name="health"),
    path("account/", include(auth_urlpatterns)),
    path("account/", include("accounts.urls")),
    path("account/", include("portal.urls")),
    path("redeem/", include("seats.urls")),
    path("shop/", include("orders.urls")),
    path("campus/", include("seats.campus_urls")),
    path("webhooks/anymail/", include("anymail.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEMO_MODE:
    urlpatterns.append(path("dev/", include("notifications.urls")))
