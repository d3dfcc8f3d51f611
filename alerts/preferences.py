"""Which alerts an agent gets, changed from the portal's preferences page or, without signing
in, from the unsubscribe link every alert carries: a signed token naming the person and the
kind, which only ever switches that one kind off."""

from django.core import signing
from django.db.models import QuerySet
from django.urls import reverse

from accounts.models import User
from notifications.emails import absolute

from .models import AlertKind, AlertPreference

SALT = "alerts.unsubscribe"


def preferences_of(user) -> AlertPreference:
    """The user's choices (every kind on when they never chose); not saved."""
    return AlertPreference.objects.filter(user_id=user.pk).first() or AlertPreference(user=user)


def set_preferences(*, user, bounce_alerts: bool, weekly_digest: bool) -> AlertPreference:
    preference, _ = AlertPreference.objects.update_or_create(
        user_id=user.pk,
        defaults={"bounce_alerts": bounce_alerts, "weekly_digest": weekly_digest},
    )
    return preference


def switch_off(*, user_id: int, kind: AlertKind) -> None:
    preference, created = AlertPreference.objects.get_or_create(
        user_id=user_id, defaults={kind.value: False}
    )
    if not created and getattr(preference, kind.value):
        setattr(preference, kind.value, False)
        preference.save(update_fields=[kind.value, "updated_at"])


def opted_out(kind: AlertKind) -> QuerySet:
    """A subquery of the ids of the users who switched ``kind`` off."""
    return AlertPreference.objects.filter(**{kind.value: False}).values("user_id")


def unsubscribe_token(user_id: int, kind: AlertKind) -> str:
    return signing.dumps([user_id, kind.value], salt=SALT)


def unsubscribe_url(user_id: int, kind: AlertKind) -> str:
    return absolute(reverse("alerts:unsubscribe", args=[unsubscribe_token(user_id, kind)]))


def read_unsubscribe_token(token: str) -> tuple[User, AlertKind] | None:
    """Who and what a token unsubscribes, or None for a token we did not sign (altered, cut
    short) or whose person is gone."""
    try:
        user_id, kind = signing.loads(token, salt=SALT)
        kind = AlertKind(kind)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    user = (
        User.objects.filter(pk=user_id, is_active=True).first()
        if isinstance(user_id, int)
        else None
    )
    return (user, kind) if user else None
