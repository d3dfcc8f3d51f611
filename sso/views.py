"""The step that leaves for the organization's provider. Its confirmation page may post to the
provider (the answer redirects there, which the site's Content Security Policy would block), and
a provider that cannot be reached gets a page of ours (allauth would answer 500)."""

from urllib.parse import urlsplit

from allauth.socialaccount.providers.openid_connect import views as oidc
from django.conf import settings
from django.shortcuts import render
from requests import RequestException

from .services import login_for_provider


def provider_login(request, provider_id: str):
    login = login_for_provider(provider_id)
    try:
        response = oidc.login(request, provider_id)
    except RequestException:
        context = {"organization": login.group if login else None}
        return render(request, "sso/provider_down.html", context, status=503)
    if login is not None and response.status_code == 200:
        response["Content-Security-Policy"] = policy_allowing_forms_to(
            login.provider.settings.get("server_url", "")
        )
    return response


def policy_allowing_forms_to(url: str) -> str:
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return settings.CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {origin}"
    )
