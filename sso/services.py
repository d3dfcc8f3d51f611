"""Configuring an organization's single sign-on, and what a sign-in through it changes."""

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialApp
from django.db import transaction
from django.utils.text import slugify

from accounts.addresses import release_unconfirmed_claims
from accounts.models import User, normalize_email
from accounts.services import mark_address_verified
from groups.models import GroupMembership, PurchasingGroup

from .models import OrganizationLogin

PROVIDER = "openid_connect"


def normalize_domain(domain: str) -> str:
    return domain.strip().lower().removeprefix("@")


def normalize_issuer(issuer: str) -> str:
    return issuer.strip().rstrip("/")


def domain_of(email: str) -> str:
    return normalize_email(email).rpartition("@")[2]


@transaction.atomic
def configure_organization_login(
    *,
    group: PurchasingGroup,
    domain: str,
    issuer: str,
    client_id: str,
    secret: str,
    agents_claim: str = "",
    agents_claim_value: str = "",
    login: OrganizationLogin | None = None,
) -> OrganizationLogin:
    """Create or change the provider the people of ``domain`` sign in with. An empty ``secret``
    on a change keeps the one stored."""
    domain = normalize_domain(domain)
    app = login.provider if login else SocialApp(provider=PROVIDER)
    app.provider_id = f"org-{slugify(domain)}"
    app.name = f"{group.name} ({domain})"
    app.client_id = client_id.strip()
    if secret or not login:
        app.secret = secret
    app.settings = {
        **(app.settings or {}),
        "server_url": normalize_issuer(issuer),
        "oauth_pkce_enabled": True,
    }
    app.save()
    login = login or OrganizationLogin(provider=app)
    login.group = group
    login.domain = domain
    login.agents_claim = agents_claim.strip()
    login.agents_claim_value = agents_claim_value.strip()
    login.save()
    return login


@transaction.atomic
def remove_organization_login(*, login: OrganizationLogin) -> None:
    """The domain's people sign in with a password again (or reset it); their accounts stay."""
    provider = login.provider
    login.delete()
    provider.delete()


def login_for_email(email: str) -> OrganizationLogin | None:
    """The organization that signs in the people of this address's domain, if one does."""
    domain = domain_of(email)
    if not domain:
        return None
    return OrganizationLogin.objects.select_related("provider").filter(domain=domain).first()


def login_for_provider(provider_id: str) -> OrganizationLogin | None:
    return (
        OrganizationLogin.objects.select_related("provider", "group")
        .filter(provider__provider_id=provider_id)
        .first()
    )


def make_agent_if_claimed(*, login: OrganizationLogin, user: User, claims: dict) -> bool:
    """Make the user an agent of the organization's group when the provider's group claim says
    so. Only adds: an agent removed at the provider is removed here by an admin."""
    if not login.grants_agent(claims):
        return False
    _, created = GroupMembership.objects.get_or_create(
        group=login.group, user=user, defaults={"role": GroupMembership.Role.AGENT}
    )
    return created


@transaction.atomic
def claim_vouched_address(*, email: str, user: User | None, claims: dict) -> None:
    """The organization's provider vouched for ``email``: no other account's unconfirmed change
    to it stands. ``user`` is the account the sign-in goes to, if one holds the address. If that
    account never confirmed it (an invitation not used yet, or a registration nobody confirmed,
    perhaps a stranger's), it becomes the provider's person's: what its registrant chose goes
    (the password, and the name unless an agent gave it), the provider's name replaces it, and
    the address counts as confirmed. Its seats and orders stay: they were meant for the address."""
    unconfirmed = (
        user is not None
        and normalize_email(user.email) == normalize_email(email)
        and not EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
    )
    if not unconfirmed:
        release_unconfirmed_claims(email=email, owner=user)
        return
    invited = not User.objects.select_for_update().get(pk=user.pk).has_usable_password()
    for field, claim in (("first_name", "given_name"), ("last_name", "family_name")):
        kept = getattr(user, field) if invited else ""  # an agent named the invited learner
        setattr(user, field, str(claims.get(claim) or kept)[:150])
    user.set_unusable_password()
    user.save(update_fields=["first_name", "last_name", "password"])
    mark_address_verified(user=user)
