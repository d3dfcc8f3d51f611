"""The owner group of a seat: who manages it. It may change until the seat is assigned."""

from django.db import transaction
from django.db.models import F

from accounts.models import User
from core.errors import SeatActionError
from groups.models import PurchasingGroup
from orders.models import Order

from .. import access, rules
from ..events import Event, record_events
from ..models import Seat, SeatEvent
from ._base import acting_on, record_event, refusing_conflicts, require, require_store_admin


def apply_owner_group(seat: Seat, group: PurchasingGroup, *, actor: User) -> None:
    """Change a locked seat's group after checking the rules; writes the event."""
    require(seat, SeatEvent.Action.CHANGE_OWNER_GROUP)
    if group.store_id != seat.order.store_id:
        raise SeatActionError(f"{group} is not a purchasing group of {seat.order.store}.")
    if not access.is_store_admin(actor) and not access.is_agent_of(actor, group.pk):
        raise SeatActionError(f"You are not a purchasing agent of {group}.")
    previous = seat.owner_group
    seat.owner_group = group
    seat.version += 1
    seat.save(update_fields=["owner_group", "version", "updated_at"])
    record_event(
        seat,
        SeatEvent.Action.CHANGE_OWNER_GROUP,
        from_status=seat.status,
        actor=actor,
        details={"from_group": previous.name if previous else None, "to_group": group.name},
    )


@refusing_conflicts
def change_seat_owner_group(
    *, seat: Seat | int, actor: User, group: PurchasingGroup, expected_version: int | None = None
) -> Seat:
    with acting_on(seat, actor=actor, expected_version=expected_version) as seat:
        if seat.owner_group_id == group.pk:
            return seat
        apply_owner_group(seat, group, actor=actor)
    return seat


@transaction.atomic
def set_order_owner_group(*, order: Order, actor: User, group: PurchasingGroup) -> tuple[int, int]:
    """Admins set the group of every seat of an order whose group may still change (the seat
    rule ``group_movable``), in one UPDATE. Returns (changed, kept): kept seats are held by
    learners or returned, and keep their group."""
    require_store_admin(actor)
    if problem := rules.order_hands_out(order):
        raise SeatActionError(problem)
    if group.store_id != order.store_id:
        raise SeatActionError(f"{group} is not a purchasing group of {order.store}.")
    others = Seat.objects.filter(order=order).exclude(owner_group=group)
    movable = list(
        others.select_for_update(of=("self",))
        .filter(status__in=rules.GROUP_MOVABLE)
        .values_list("pk", "status", "owner_group__name")
    )
    kept = others.exclude(status__in=rules.GROUP_MOVABLE).count()
    ids = [pk for pk, _, _ in movable]

    Seat.objects.filter(pk__in=ids).update(owner_group=group, version=F("version") + 1)
    record_events(
        [
            Event(
                seat_id=pk,
                action=SeatEvent.Action.CHANGE_OWNER_GROUP,
                from_status=status,
                to_status=status,
                actor_id=actor.pk,
                details={"from_group": previous, "to_group": group.name},
            )
            for pk, status, previous in movable
        ]
    )
    Order.objects.filter(pk=order.pk).update(owner_group=group)
    return len(ids), kept
