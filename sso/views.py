"""The step that leaves for the organization's provider, answering with a page of ours when the
provider cannot be reached (allauth would answer 500)."""

from allauth.socialaccount.providers.openid_connect import views as oidc
from django.shortcuts import render
from requests import RequestException

from .services import login_for_provider


def provider_login(request, provider_id: str):
    try:
        return oidc.login(request, provider_id)
    except RequestException:
        login = login_for_provider(provider_id)
        context = {"organization": login.group if login else None}
        return render(request, "sso/provider_down.html", context, status=503)
