"""allauth's social sign-in as Seatstore wants it: only through an organization's provider, for
addresses of that organization's domain, the provider being who it says it is. Its verified
address links the person to the account that holds it (``accounts.addresses``), never to one
where someone only typed it."""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.shortcuts import render

from accounts.addresses import holder_of

from .services import claim_vouched_address, domain_of, login_for_provider, normalize_issuer


class SingleSignOnAdapter(DefaultSocialAccountAdapter):
    def authenticate_by_email(self, sociallogin):
        """allauth links the first account with the address in any state, an unconfirmed
        change of address included: only its holder is linked."""
        for address in sociallogin.email_addresses:
            if address.verified and self.can_authenticate_by_email(sociallogin, address.email):
                holder = holder_of(address.email)
                if holder is not None:
                    return holder, address.email
        return None

    def pre_social_login(self, request, sociallogin) -> None:
        login = login_for_provider(sociallogin.account.provider)
        problem = refusal(login, sociallogin)
        if problem:
            raise ImmediateHttpResponse(
                render(request, "sso/refused.html", {"problem": problem}, status=403)
            )
        for address in sociallogin.email_addresses:
            if domain_of(address.email) == login.domain:
                address.verified = True  # the organization's own provider vouches for it
                claim_vouched_address(
                    email=address.email,
                    user=sociallogin.user if sociallogin.is_existing else None,
                    claims=claims_of(sociallogin),
                )
        sociallogin.state["organization_login"] = login.pk
        super().pre_social_login(request, sociallogin)

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True


def claims_of(sociallogin) -> dict:
    data = sociallogin.account.extra_data or {}
    return {**data.get("userinfo", {}), **data.get("id_token", {})}


def refusal(login, sociallogin) -> str:
    """Why this sign-in must not go through, or ""."""
    if login is None:
        return "This sign-in provider is not configured for any organization."
    claims = claims_of(sociallogin)
    issuer = normalize_issuer(str(claims.get("iss", "")))
    expected = normalize_issuer(login.provider.settings.get("server_url", ""))
    if issuer != expected:
        return (
            f"The provider identified itself as {issuer or 'nobody'}, not as {expected}, the "
            f"issuer configured for {login.domain}. Ask your administrator to check the "
            "single sign-on settings."
        )
    email = str(claims.get("email", ""))  # the provider's word, not a local account's address
    if domain_of(email) != login.domain:
        return (
            f"This provider signs in people with an address at {login.domain}; it gave "
            f"{email or 'no address'}."
        )
    return ""
