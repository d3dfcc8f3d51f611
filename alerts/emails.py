"""The alert emails, registered with the outbox from AlertsConfig.ready(): each carries a link
to switch its kind off without signing in, and the List-Unsubscribe headers mail programs offer
as a button (RFC 8058)."""

from django.urls import reverse

from notifications import registry
from notifications.emails import Content, absolute
from notifications.models import OutboundEmail
from seats.models import Redemption
from seats.signals import events_recorded

from .bounces import alert_on_bounce
from .digest import EXPIRING_WITHIN_DAYS, LOW_AVAILABLE_SHARE, stale_after_days
from .models import AlertEmail, AlertKind, BounceAlert, WeeklyDigest
from .preferences import unsubscribe_url


def _unsubscribing(user_id: int, kind: AlertKind) -> dict:
    """The context and headers that let the recipient switch ``kind`` off."""
    url = unsubscribe_url(user_id, kind)
    headers = {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    context = {
        "unsubscribe_url": url,
        "kind_label": kind.label,
        "preferences_url": absolute(reverse("portal:alerts")),
    }
    return {"context": context, "headers": headers}


_load_alerts = registry.by_context_id(
    "bounce_alert_id",
    BounceAlert.objects.select_related(
        "redemption__seat__order__store", "redemption__seat__order_line__product"
    ),
)


def bounce_alert(email: OutboundEmail, alert: BounceAlert) -> Content:
    link = alert.redemption
    seat = link.seat
    order_page = reverse("portal:order", args=[seat.order_id])
    correct = reverse("portal:seat_action", args=[seat.pk, "correct"])
    unsubscribing = _unsubscribing(email.context["user_id"], AlertKind.BOUNCE_ALERTS)
    context = unsubscribing["context"] | {
        "link": link,
        "seat": seat,
        "order": seat.order,
        "product": seat.order_line.product,
        "store": seat.order.store,
        "correct_url": absolute(f"{correct}?next={order_page}"),
    }
    subject = f"A redemption link to {link.recipient_email} bounced"
    return Content(subject, "emails/bounce_alert", context, headers=unsubscribing["headers"])


def corrected(alert: BounceAlert) -> str:
    """An alert for a link already corrected, cancelled or redeemed would send the agent to
    fix what is no longer broken."""
    if alert.redemption.state == Redemption.State.PENDING:
        return ""
    return "Not sent: the link was corrected, cancelled or used before the alert went out."


_load_digests = registry.by_context_id("digest_id", WeeklyDigest.objects.all())


def weekly_digest(email: OutboundEmail, digest: WeeklyDigest) -> Content:
    unsubscribing = _unsubscribing(digest.user_id, AlertKind.WEEKLY_DIGEST)
    context = unsubscribing["context"] | {
        "digest": digest,
        "stale_days": stale_after_days(),
        "expiring_days": EXPIRING_WITHIN_DAYS,
        "low_share": LOW_AVAILABLE_SHARE,
        "groups_url": absolute(reverse("portal:groups")),
    }
    subject = f"Your seats this week ({digest.week:%-d %b %Y})"
    return Content(subject, "emails/weekly_digest", context, headers=unsubscribing["headers"])


def register() -> None:
    registry.register(
        AlertEmail.BOUNCE_ALERT,
        label=AlertEmail.BOUNCE_ALERT.label,
        load=_load_alerts,
        render=bounce_alert,
        obsolete=corrected,
    )
    registry.register(
        AlertEmail.WEEKLY_DIGEST,
        label=AlertEmail.WEEKLY_DIGEST.label,
        load=_load_digests,
        render=weekly_digest,
    )
    events_recorded.connect(alert_on_bounce, dispatch_uid="alerts.alert_on_bounce")
