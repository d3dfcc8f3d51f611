"""How long an order's unused seats can be handed out (docs/decisions/0011): a store admin
extends it; the rule that refuses an expired order's seats is ``rules.order_valid``."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date

from accounts.models import User
from core.bulk_sql import insert_rows
from core.errors import SeatActionError
from orders.models import Order

from ..models import Seat, SeatEvent
from ..selectors import UNUSED
from ._base import require_store_admin


def day(moment: datetime) -> str:
    return format_date(timezone.localtime(moment), "j F Y")


def extend_order_validity(*, order: Order | int, actor: User, valid_until: datetime) -> Order:
    """Move the end of an order's seat validity later. Each unused seat's history records it
    (an event that changes no status), so the agent reads why a seat refused yesterday works
    today; held seats are not concerned by the validity and get no event."""
    require_store_admin(actor)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=getattr(order, "pk", order))
        previous = order.seats_valid_until
        if previous is None:
            raise SeatActionError(
                f"The seats of order {order.number} have no end date"
                f"{'' if order.is_paid else ' (their validity starts when it is paid)'}."
            )
        if valid_until <= max(previous, timezone.now()):
            raise SeatActionError(
                f"Choose a date after {day(max(previous, timezone.now()))}: an extension "
                "moves the end later and into the future."
            )
        order.seats_valid_until = valid_until
        order.save(update_fields=["seats_valid_until"])
        unused = list(
            Seat.objects.filter(order=order, status__in=UNUSED).values_list("pk", "status")
        )
        details = {"valid_until": valid_until.isoformat(), "previous": previous.isoformat()}
        insert_rows(
            SeatEvent,
            ["seat_id", "from_status", "to_status"],
            [(seat_id, status, status) for seat_id, status in unused],
            constants={
                "action": SeatEvent.Action.EXTEND_VALIDITY.value,
                "actor_id": actor.pk,
                "created_at": timezone.now(),
                "details": details,
            },
        )
    return order
