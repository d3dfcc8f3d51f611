"""An alert to the agents of a seat when its redemption link bounces, with a link to correct the
address. What counts as a bounce is the seats app's to say: it records a ``bounce`` event in the
seat's history, once per link, and announces it (``seats.signals.events_recorded``) inside the
transaction that records it; the alert's outbox rows are written in that same transaction."""

from notifications.services import NewEmail, queue_emails
from seats.access import agents_managing
from seats.events import Event
from seats.models import Redemption, Seat, SeatEvent

from .models import AlertEmail, AlertKind, BounceAlert
from .preferences import opted_out


def alert_on_bounce(sender, *, events: list[Event], **kwargs) -> None:
    bounced = [e.details["redemption_id"] for e in events if e.action == SeatEvent.Action.BOUNCE]
    if bounced:
        alert_bounced_links(bounced)


def alert_bounced_links(redemption_ids: list[int]) -> int:
    """Alert the agents of each bounced link that is still waiting for its recipient, once per
    link: the provider may post the same bounce twice. Returns how many alerts were queued. A
    provider posts one event at a time, so this loops over one or two links."""
    links = Redemption.objects.filter(
        pk__in=redemption_ids, state=Redemption.State.PENDING, seat__status=Seat.Status.AWAITING
    ).select_related("seat__order")
    emails = []
    for link in links:
        alert, created = BounceAlert.objects.get_or_create(redemption=link)
        if not created:
            continue
        agents = agents_managing(link.seat).exclude(pk__in=opted_out(AlertKind.BOUNCE_ALERTS))
        emails += [
            NewEmail(
                kind=AlertEmail.BOUNCE_ALERT,
                to_email=email,
                context={"bounce_alert_id": alert.pk, "user_id": user_id},
            )
            for user_id, email in agents.values_list("pk", "email")
        ]
    return len(queue_emails(emails)) if emails else 0
