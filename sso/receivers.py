"""After a sign-in through an organization's provider: its group claim may make the person an
agent of the organization's purchasing group."""

from allauth.account.signals import user_logged_in

from .adapter import claims_of
from .services import login_for_provider, make_agent_if_claimed


def apply_group_claim(sender, request, user, sociallogin=None, **kwargs) -> None:
    if sociallogin is None:
        return
    login = login_for_provider(sociallogin.account.provider)
    if login is not None:
        make_agent_if_claimed(login=login, user=user, claims=claims_of(sociallogin))


def connect() -> None:
    user_logged_in.connect(apply_group_claim, dispatch_uid="sso.group_claim")
