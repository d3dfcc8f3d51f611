"""The API access page, where a user makes and revokes their keys."""

from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("", views.key_list, name="keys"),
    path("<int:key_id>/revoke/", views.revoke, name="revoke"),
]
