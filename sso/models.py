"""Single sign-on per organization: the people of a purchasing group's email domain sign in
through the organization's OpenID Connect provider. The provider itself (issuer, client id,
secret) is an allauth ``SocialApp``, which allauth's OpenID Connect login reads; this says whose
domain it serves and what its group claim means."""

from allauth.socialaccount.models import SocialApp
from django.db import models

from groups.models import PurchasingGroup


class OrganizationLogin(models.Model):
    group = models.ForeignKey(
        PurchasingGroup, on_delete=models.CASCADE, related_name="organization_logins"
    )
    domain = models.CharField(
        max_length=253,
        unique=True,
        help_text="Email domain whose people sign in through this provider (northwind.example).",
    )
    provider = models.OneToOneField(
        SocialApp, on_delete=models.PROTECT, related_name="organization_login"
    )
    agents_claim = models.CharField(
        max_length=100,
        blank=True,
        help_text="Claim of the ID token that lists the person's groups at the provider, e.g. "
        "groups. Empty: nobody becomes an agent through single sign-on.",
    )
    agents_claim_value = models.CharField(
        max_length=200,
        blank=True,
        help_text="The value in that claim that makes the person an agent of the purchasing group.",
    )

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return f"{self.domain} → {self.group}"

    @property
    def provider_key(self) -> str:
        """allauth's id of the provider, in its sign-in URLs (``provider_id`` is the row's)."""
        return self.provider.provider_id

    def grants_agent(self, claims: dict) -> bool:
        """Whether the provider says this person is one of the group's agents."""
        if not (self.agents_claim and self.agents_claim_value):
            return False
        value = claims.get(self.agents_claim)
        values = value if isinstance(value, list) else [value]
        return self.agents_claim_value in values
