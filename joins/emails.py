"""The emails of seat requests (templates in joins/templates/emails/), registered with the
outbox from JoinsConfig.ready()."""

from django.db import models
from django.urls import reverse

from notifications import registry
from notifications.emails import Content, absolute
from notifications.models import OutboundEmail

from .models import SeatRequest


class JoinEmail(models.TextChoices):
    REQUEST_DECIDED = "seat_request_decided", "Seat request decided"


_load_requests = registry.by_context_id(
    "seat_request_id",
    SeatRequest.objects.select_related(
        "product__store", "group", "learner", "decided_by", "seat__enrollment"
    ),
)


def request_decided(email: OutboundEmail, request: SeatRequest) -> Content:
    seat = request.seat
    context = {
        "request": request,
        "product": request.product,
        "store": request.product.store,
        "approved": request.state == SeatRequest.State.APPROVED,
        "training_url": seat.enrollment.training_url if seat and seat.enrollment else "",
        "training_page": absolute(reverse("portal:training")),
    }
    verdict = "approved" if context["approved"] else "declined"
    subject = f"Your request for a seat in {request.product} was {verdict}"
    return Content(subject, "emails/seat_request_decided", context)


def register() -> None:
    registry.register(
        JoinEmail.REQUEST_DECIDED,
        label=JoinEmail.REQUEST_DECIDED.label,
        load=_load_requests,
        render=request_decided,
    )
