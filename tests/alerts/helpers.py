"""Arrangements the alert tests share."""

from notifications import services as outbox
from notifications.emails import Renderer, build_message
from notifications.models import OutboundEmail
from seats.emails import topic_for


def bounce(link) -> None:
    """The provider reports that the link's (latest) email bounced, as its webhook would."""
    email = OutboundEmail.objects.filter(topic=topic_for(link)).latest("pk")
    outbox.record_delivery(event_type="bounced", message_id=None, email_id=str(email.pk))


def alerts_to(address: str, kind: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind=kind, to_email=address))


def message(email: OutboundEmail):
    """The message the worker would send for an outbox row."""
    return build_message(email, renderer=Renderer([email]))
