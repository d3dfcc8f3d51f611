from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from api.v1 import api
from joins.urls import join_urlpatterns, request_urlpatterns
from notifications import webhooks

from .favicon import favicon
from .health import health

admin.site.site_header = "Seatstore administration"
admin.site.site_title = "Seatstore admin"
admin.site.index_title = "Run the store"
admin.site.login = secure_admin_login(admin.site.login)  # one sign-in, with its second factor


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:home", permanent=False)),
    path("health/", health, name="health"),
    path("favicon.ico", favicon),
    path("account/", include("sso.urls")),
    path("account/", include("accounts.urls")),
    path("account/", include("portal.urls")),
    path("account/", include("joins.portal_urls")),
    path("redeem/", include("seats.urls")),
    path("alerts/", include("alerts.urls")),
    path("join/", include(join_urlpatterns)),
    path("request-seat/", include(request_urlpatterns)),
    path("shop/", include("shop.urls")),
    path("campus/", include("campus.urls")),
    path("account/api/", include("api.urls")),
    path("api/v1/", api.urls),
    path("webhooks/anymail/<slug:esp>/tracking/", webhooks.tracking, name="tracking_webhook"),
    path("admin/", admin.site.urls),
]

if settings.DEMO_MODE:
    urlpatterns.append(path("dev/", include("notifications.urls")))
