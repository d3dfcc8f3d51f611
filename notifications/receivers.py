"""Provider tracking webhooks, received by Anymail (which checks their credentials, see
``webhooks``), applied to the outbox and announced under the emails' topics. Connected in
NotificationsConfig.ready()."""

from anymail.signals import AnymailTrackingEvent, tracking
from django.dispatch import receiver

from . import services
from .emails import METADATA_KEY

_LARGEST_ID = 2**63 - 1


@receiver(tracking, dispatch_uid="notifications.record_delivery")
def record_delivery(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    """Pass on only what could be about one of our emails: an authentic post can still carry
    odd values (a list for metadata, an id past any row's), which must find nothing rather than
    fail the request."""
    metadata = event.metadata if isinstance(event.metadata, dict) else {}
    services.record_delivery(
        event_type=event.event_type,
        message_id=_text(event.message_id) or None,
        email_id=_email_id(metadata.get(METADATA_KEY)),
        detail=_text(event.description or event.mta_response or event.reject_reason),
    )


def _text(value) -> str:
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def _email_id(value) -> str | None:
    """The outbox id we sent along, if it can be one."""
    text = _text(value)
    return text if text.isdigit() and int(text) <= _LARGEST_ID else None
