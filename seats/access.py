"""The policy: who may see and act on which seats and orders. The one place that answers it.

A seat can be managed by the buyer of its order, by an agent of its owner group, or by a store
admin (staff with the seat change permission). The portal shows buyers and agents what they
manage; admins work in the Django admin.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from groups.models import GroupMembership
from orders.models import Order

from .models import Seat


def is_store_admin(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("seats.change_seat")
    )


def managed_group_ids(user) -> QuerySet:
    """A subquery of the ids of the groups the user is an agent of."""
    return GroupMembership.objects.filter(user_id=user.pk, role=GroupMembership.Role.AGENT).values(
        "group_id"
    )


def is_agent_of(user, group_id: int | None) -> bool:
    if group_id is None or not user.is_authenticated:
        return False
    return GroupMembership.objects.filter(
        user_id=user.pk, group_id=group_id, role=GroupMembership.Role.AGENT
    ).exists()


def can_manage_seat(user, seat: Seat) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if is_store_admin(user) or seat.order.buyer_id == user.pk:
        return True
    return is_agent_of(user, seat.owner_group_id)


def seats_visible_to(user) -> QuerySet[Seat]:
    """Seats the user manages in the portal: of orders they placed, or owned by their groups."""
    if not user.is_authenticated:
        return Seat.objects.none()
    return Seat.objects.filter(
        Q(order__buyer_id=user.pk) | Q(owner_group_id__in=managed_group_ids(user))
    )


def orders_visible_to(user) -> QuerySet[Order]:
    """Orders the user placed, or that hold at least one seat owned by a group they manage."""
    if not user.is_authenticated:
        return Order.objects.none()
    groups = managed_group_ids(user)
    owns_a_seat = Exists(Seat.objects.filter(order_id=OuterRef("pk"), owner_group_id__in=groups))
    return Order.objects.filter(Q(buyer_id=user.pk) | Q(owner_group_id__in=groups) | owns_a_seat)


def access_order(user, order_id) -> Order:
    """The order if the user may see it; 404 for a missing and a foreign order alike."""
    return get_object_or_404(
        orders_visible_to(user).select_related("store", "owner_group"), pk=order_id
    )


def access_seat(user, seat_id) -> Seat:
    """The seat if the user may see it; 404 for a missing and a foreign seat alike."""
    return get_object_or_404(
        seats_visible_to(user).select_related(
            "order__store", "order_line__product", "owner_group", "learner", "enrollment"
        ),
        pk=seat_id,
    )
