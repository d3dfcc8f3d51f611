"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit, mounted
under /idp/ by this test URLconf only. Its people are the users who sign in to it (through the
site's own sign-in page, reached at another host name so its session is its own); what it says
about each (their work address, their groups) comes from ``DIRECTORY``."""

from django.urls import include, path
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import ConnectDiscoveryInfoView

from seatstore.urls import urlpatterns as site_urlpatterns

DIRECTORY: dict[str, dict] = {}
"""IdP account email → the claims the provider gives about that person."""


class DirectoryValidator(OAuth2Validator):
    oidc_claim_scope = None  # every claim, whatever the scopes

    def get_additional_claims(self, request):
        return {"email_verified": True, **DIRECTORY.get(request.user.email, {})}


urlpatterns = [
    path("idp/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    # An issuer whose discovery document is a copy of the real provider's, naming /idp/.
    path("impostor/.well-known/openid-configuration", ConnectDiscoveryInfoView.as_view()),
    *site_urlpatterns,
]
