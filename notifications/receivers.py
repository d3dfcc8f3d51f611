"""Provider tracking webhooks, received by Anymail (which checks their signature) and applied to
the outbox and its redemptions. Connected in NotificationsConfig.ready()."""

from anymail.signals import AnymailTrackingEvent, tracking
from django.dispatch import receiver

from . import services
from .emails import METADATA_KEY


@receiver(tracking, dispatch_uid="notifications.record_delivery")
def record_delivery(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    services.record_delivery(
        event_type=event.event_type,
        message_id=event.message_id,
        email_id=(event.metadata or {}).get(METADATA_KEY),
        detail=event.description or event.mta_response or event.reject_reason or "",
    )
