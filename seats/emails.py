"""The seat emails: their kinds and how each renders (templates in seats/templates/emails/),
registered with the outbox from SeatsConfig.ready(); and what the outbox announces about a link's
email, which becomes the delivery state the agent sees beside the link."""

from collections.abc import Iterable, Sequence

from django.db import models
from django.urls import reverse

from accounts.emails import load_users, password_link_context
from notifications import registry
from notifications.emails import Content, absolute
from notifications.models import OutboundEmail
from notifications.signals import DeliveryEvent, delivery_changed

from .events import Event, record_events
from .models import Redemption, ReturnRequest, Seat, SeatEvent
from .tokens import token_for


class SeatEmail(models.TextChoices):
    REDEMPTION_LINK = "redemption_link", "Redemption link"
    REDEMPTION_RESEND = "redemption_resend", "Redemption link (resent)"
    REDEMPTION_REMINDER = "redemption_reminder", "Redemption reminder"
    ASSIGNMENT_NOTICE = "assignment_notice", "Assignment notice"
    INVITATION = "invitation", "Account invitation"
    RETURN_REQUESTED = "return_requested", "Return requested"
    RETURN_DECIDED = "return_decided", "Return decided"


# --- Links --------------------------------------------------------------------------------------

LINK_TOPIC = "redemption:"


def topic_for(redemption: Redemption) -> str:
    """The topic of a link's emails, under which the outbox announces their delivery."""
    return f"{LINK_TOPIC}{redemption.pk}"


def link_ids(topics: Iterable[str]) -> list[int]:
    """The links among ``topics``."""
    return [int(topic.removeprefix(LINK_TOPIC)) for topic in topics if topic.startswith(LINK_TOPIC)]


def redemption_url(redemption: Redemption) -> str:
    return absolute(reverse("redeem", args=[token_for(redemption.token_nonce)]))


_load_links = registry.by_context_id(
    "redemption_id",
    Redemption.objects.select_related(
        "seat__order_line__product", "seat__order__store", "created_by"
    ),
)


def _link_content(link: Redemption, subject: str, **flags) -> Content:
    seat = link.seat
    context = {
        "product": seat.order_line.product,
        "store": seat.order.store,
        "sender": link.created_by,
        "message": link.message,
        "expires_at": link.expires_at,
    }
    personal = {"link": redemption_url(link), "recipient_email": link.recipient_email}
    return Content(subject, "emails/redemption_link", context | flags, personal)


def redemption_link(email: OutboundEmail, link: Redemption) -> Content:
    product = link.seat.order_line.product
    return _link_content(link, f"{link.created_by.display_name} sent you a seat in {product}")


def redemption_resend(email: OutboundEmail, link: Redemption) -> Content:
    return _link_content(link, f"Your new link for {link.seat.order_line.product}", resent=True)


def redemption_reminder(email: OutboundEmail, link: Redemption) -> Content:
    product = link.seat.order_line.product
    return _link_content(link, f"Reminder: your seat in {product} is waiting", reminder=True)


def dead_link(link: Redemption) -> str:
    """A link cancelled, replaced, used or expired before its email left (say the broker was down
    meanwhile) would only lead to a dead page, and the email of its replacement is on its way."""
    return "" if link.is_live else "Not sent: the link stopped working before the email went out."


# --- Held seats ---------------------------------------------------------------------------------

_load_seats = registry.by_context_id(
    "seat_id",
    Seat.objects.select_related("order_line__product", "order__store", "learner", "enrollment"),
)


def _load_seats_and_learners(emails: Sequence[OutboundEmail]) -> dict:
    seats, users = _load_seats(emails), load_users(emails)
    return {pk: (seats[pk], users[pk]) for pk in seats.keys() & users.keys()}


def _seat_context(seat: Seat) -> dict:
    return {
        "seat": seat,
        "product": seat.order_line.product,
        "store": seat.order.store,
        "training_url": seat.enrollment.training_url if seat.enrollment else "",
        "training_page": absolute(reverse("portal:training")),
    }


def assignment_notice(email: OutboundEmail, seat: Seat) -> Content:
    context = _seat_context(seat)
    return Content(f"You are enrolled in {context['product']}", "emails/assignment_notice", context)


def invitation(email: OutboundEmail, seat_and_learner: tuple) -> Content:
    seat, learner = seat_and_learner
    context = _seat_context(seat) | password_link_context(learner)
    subject = f"You have been enrolled in {context['product']}: set up your account"
    return Content(subject, "emails/invitation", context)


# --- Returns ------------------------------------------------------------------------------------

_load_returns = registry.by_context_id(
    "return_request_id",
    ReturnRequest.objects.select_related(
        "seat__order",
        "seat__order__store",
        "seat__order_line__product",
        "seat__learner",
        "requested_by",
        "refund",
    ),
)


def _return_context(request: ReturnRequest) -> dict:
    return {
        "request": request,
        "seat": request.seat,
        "product": request.seat.order_line.product,
        "store": request.seat.order.store,
        "order_url": absolute(reverse("portal:order", args=[request.seat.order_id])),
    }


def return_requested(email: OutboundEmail, request: ReturnRequest) -> Content:
    context = _return_context(request)
    subject = f"Return requested: seat {request.seat.pk} of {request.seat.order}"
    return Content(subject, "emails/return_requested", context)


def return_decided(email: OutboundEmail, request: ReturnRequest) -> Content:
    context = _return_context(request)
    subject = (
        f"Your return request for {context['product']} was {request.get_state_display().lower()}"
    )
    return Content(subject, "emails/return_decided", context)


# --- Delivery -----------------------------------------------------------------------------------

_D = Redemption.Delivery
_EARLY = (_D.NOT_QUEUED, _D.QUEUED)
_UNREPORTED = (*_EARLY, _D.SENT, _D.FAILED)
DELIVERY = {
    DeliveryEvent.QUEUED: (_D.QUEUED, (_D.NOT_QUEUED,)),
    DeliveryEvent.UNQUEUED: (_D.NOT_QUEUED, (_D.QUEUED,)),
    DeliveryEvent.SENT: (_D.SENT, _UNREPORTED),
    DeliveryEvent.FAILED: (_D.FAILED, _UNREPORTED),
    DeliveryEvent.PROVIDER_SENT: (_D.SENT, _EARLY),
    DeliveryEvent.DELIVERED: (_D.DELIVERED, (*_EARLY, _D.SENT)),
    DeliveryEvent.BOUNCED: (_D.BOUNCED, (*_EARLY, _D.SENT, _D.DELIVERED, _D.FAILED)),
    DeliveryEvent.REJECTED: (_D.FAILED, (*_EARLY, _D.SENT, _D.DELIVERED)),
    DeliveryEvent.PROVIDER_FAILED: (_D.FAILED, (*_EARLY, _D.SENT, _D.DELIVERED)),
}
"""What each announcement makes of a link's delivery state, and which states it may overwrite.
What the provider reported (delivered, bounced) outranks the worker's sent or failed; provider
events arrive late and out of order, and a bounce is what the agent most needs to see, so nothing
but another failure replaces it."""


def record_link_delivery(sender, *, event: DeliveryEvent, topics: list[str], **kwargs) -> None:
    """One statement for all the links of an announcement (a worker's whole batch). A bounce
    also goes into the seat's history, once per link."""
    ids = link_ids(topics)
    if not ids or event not in DELIVERY:
        return
    delivery, replaces = DELIVERY[event]
    changing = Redemption.objects.filter(pk__in=ids, delivery_status__in=replaces)
    if event == DeliveryEvent.BOUNCED:
        _record_bounces(changing)
    changing.update(delivery_status=delivery)


def _record_bounces(links) -> None:
    """A ``bounce`` event for each link about to be shown bounced, read under the links' locks so
    that a provider reporting the same bounce twice at once writes it once."""
    bounced = links.select_for_update(of=("self",)).values_list(
        "pk", "seat_id", "seat__status", "recipient_email"
    )
    record_events(
        [
            Event(
                seat_id=seat_id,
                action=SeatEvent.Action.BOUNCE,
                from_status=status,
                to_status=status,
                actor_id=None,
                details={"recipient": recipient, "redemption_id": link_id},
            )
            for link_id, seat_id, status, recipient in bounced
        ]
    )


def register() -> None:
    for kind, load, render, obsolete in (
        (SeatEmail.REDEMPTION_LINK, _load_links, redemption_link, dead_link),
        (SeatEmail.REDEMPTION_RESEND, _load_links, redemption_resend, dead_link),
        (SeatEmail.REDEMPTION_REMINDER, _load_links, redemption_reminder, dead_link),
        (SeatEmail.ASSIGNMENT_NOTICE, _load_seats, assignment_notice, None),
        (SeatEmail.INVITATION, _load_seats_and_learners, invitation, None),
        (SeatEmail.RETURN_REQUESTED, _load_returns, return_requested, None),
        (SeatEmail.RETURN_DECIDED, _load_returns, return_decided, None),
    ):
        registry.register(kind, label=kind.label, load=load, render=render, obsolete=obsolete)
    delivery_changed.connect(record_link_delivery, dispatch_uid="seats.record_link_delivery")
