from django.urls import path

from . import views

urlpatterns = [
    path("oidc/<str:provider_id>/login/", views.provider_login, name="sso_provider_login"),
]
