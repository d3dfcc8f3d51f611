"""Who must sign in with a second factor: staff (the admin changes everything), and the agents
of a store that asks it of its agents. Decided at each sign-in and kept in the session, so pages
pay no query for it; ``seatstore.two_factor`` sends such a user to set it up, and lifts it once
they have. Removing one's last authenticator sets it again."""

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_removed
from django.contrib.auth.signals import user_logged_in

from accounts.models import User
from groups.models import GroupMembership

SESSION_KEY = "seatstore.two_factor_setup_required"


def two_factor_required(user: User) -> bool:
    if user.is_staff:
        return True
    return GroupMembership.objects.filter(
        user=user, group__store__require_agent_two_factor=True
    ).exists()


def must_set_up(user: User) -> bool:
    return two_factor_required(user) and not Authenticator.objects.filter(user=user).exists()


def _decide(sender, request=None, user=None, **kwargs) -> None:
    if request is None or not hasattr(request, "session") or user is None:
        return
    if must_set_up(user):
        request.session[SESSION_KEY] = True
    else:
        request.session.pop(SESSION_KEY, None)


def connect() -> None:
    user_logged_in.connect(_decide, dispatch_uid="orders.two_factor.sign_in")
    authenticator_removed.connect(_decide, dispatch_uid="orders.two_factor.removed")
