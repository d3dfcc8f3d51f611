"""The app's URLs plus the reference page of figure 3."""

from django.urls import path

from seatstore.urls import urlpatterns as app_urlpatterns

from .views import minimal

urlpatterns = [*app_urlpatterns, path("bench/minimal/<int:order_id>/", minimal)]
