"""The policy: who may see and act on which seats and orders. The one place that answers it.

The owner group decides who manages a seat: agents of a seat's owner group manage it, the buyer
manages the seats of their order that have no owner group, and store admins (staff with the seat
change permission) manage every seat. A buyer still sees every seat of an order they placed,
read-only where they do not manage it. The portal shows buyers and agents what they see; admins
work in the Django admin.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from groups.models import GroupMembership, PurchasingGroup
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


@dataclass(frozen=True)
class SeatAuthority:
    """What one user manages, read once (one query), then asked of any number of seats: a page
    of seats decides its actions without a query per row. ``seat.order`` must be at hand."""

    user_id: int | None
    store_admin: bool
    group_stores: dict[int, int]  # the groups they are an agent of: group id -> store id

    @classmethod
    def of(cls, user) -> "SeatAuthority":
        if not user or not user.is_authenticated or not user.is_active:
            return cls(user_id=None, store_admin=False, group_stores={})
        memberships = managed_group_ids(user).values_list("group_id", "group__store_id")
        return cls(
            user_id=user.pk, store_admin=is_store_admin(user), group_stores=dict(memberships)
        )

    @property
    def group_ids(self) -> list[int]:
        """The groups they are an agent of, as a list a query can take instead of a subquery."""
        return list(self.group_stores)

    def sees_order(self, order: Order) -> bool:
        """``orders_visible_to`` for one order at hand: its buyer and the agents of its owner
        group see it without a query; another agent when a seat of it is one of their groups'."""
        if self.user_id is None:
            return False
        if order.buyer_id == self.user_id or order.owner_group_id in self.group_stores:
            return True
        seats = Seat.objects.filter(order=order, owner_group_id__in=self.group_ids)
        return bool(self.group_stores) and seats.exists()

    def manages(self, seat: Seat) -> bool:
        if self.user_id is None:
            return False
        if self.store_admin:
            return True
        if seat.owner_group_id is None:
            return seat.order.buyer_id == self.user_id
        return seat.owner_group_id in self.group_stores

    def groups_in(self, store_id: int) -> frozenset[int]:
        """``groups_assignable_by`` for a page of seats: an agent's come from what was read."""
        if self.store_admin:
            stores_groups = PurchasingGroup.objects.filter(store_id=store_id)
            return frozenset(stores_groups.values_list("pk", flat=True))
        return frozenset(g for g, store in self.group_stores.items() if store == store_id)


_ON_REQUEST = "_seat_authority"


def request_authority(request) -> SeatAuthority:
    """The signed-in person's authority, read once per request: a page's access check, its rows'
    actions and its navigation all ask it."""
    if not hasattr(request, _ON_REQUEST):
        setattr(request, _ON_REQUEST, SeatAuthority.of(request.user))
    return getattr(request, _ON_REQUEST)


def authority_read(request) -> SeatAuthority | None:
    """The request's authority if its page has read it, for what can do without it otherwise."""
    return getattr(request, _ON_REQUEST, None)


def groups_assignable_by(user, store_id: int) -> QuerySet[PurchasingGroup]:
    """The groups of a store someone may give a seat to: every one for a store admin, the ones
    they are an agent of otherwise."""
    groups = PurchasingGroup.objects.filter(store_id=store_id)
    if is_store_admin(user):
        return groups
    return groups.filter(pk__in=managed_group_ids(user))


def can_manage_seat(user, seat: Seat) -> bool:
    return SeatAuthority.of(user).manages(seat)


def seats_managed_by(user) -> QuerySet[Seat]:
    """``SeatAuthority.manages`` as a query, for actions on many seats at once."""
    if not user.is_authenticated or not user.is_active:
        return Seat.objects.none()
    if is_store_admin(user):
        return Seat.objects.all()
    return Seat.objects.filter(
        Q(owner_group_id__in=managed_group_ids(user))
        | Q(owner_group__isnull=True, order__buyer_id=user.pk)
    )


def agents_managing(seat: Seat) -> QuerySet:
    """The people who manage the seat in the portal (``SeatAuthority.manages``, store admins
    aside): the active agents of its owner group, or its order's buyer when it has none."""
    users = get_user_model().objects.filter(is_active=True)
    if seat.owner_group_id is None:
        return users.filter(pk=seat.order.buyer_id)
    agents = GroupMembership.objects.filter(
        group_id=seat.owner_group_id, role=GroupMembership.Role.AGENT
    )
    return users.filter(pk__in=agents.values("user_id"))


def seats_visible_to(user) -> QuerySet[Seat]:
    """Seats the user sees in the portal: of orders they placed, or owned by their groups."""
    if not user.is_authenticated:
        return Seat.objects.none()
    return Seat.objects.filter(
        Q(order__buyer_id=user.pk) | Q(owner_group_id__in=managed_group_ids(user))
    )


def order_seats_visible_to(user, order: Order) -> QuerySet[Seat]:
    """``seats_visible_to`` within one order: its buyer sees every seat of it, so their pages
    count and list the order's seats by its index alone, without asking whose each seat is."""
    if user.is_authenticated and order.buyer_id == user.pk:
        return Seat.objects.filter(order=order)
    return seats_visible_to(user).filter(order=order)


def orders_visible_to(user) -> QuerySet[Order]:
    """Orders the user placed, or that hold at least one seat owned by a group they manage
    (``SeatAuthority.sees_order`` for one order at hand)."""
    if not user.is_authenticated:
        return Order.objects.none()
    groups = managed_group_ids(user)
    owns_a_seat = Exists(Seat.objects.filter(order_id=OuterRef("pk"), owner_group_id__in=groups))
    return Order.objects.filter(Q(buyer_id=user.pk) | Q(owner_group_id__in=groups) | owns_a_seat)


def access_order(authority: SeatAuthority, order_id) -> Order:
    """The order if the person may see it; 404 for a missing and a foreign order alike. The
    order is read by its key and then checked: the same rule as a query cost the order page
    more to build than to run."""
    order = get_object_or_404(Order.objects.select_related("store", "owner_group"), pk=order_id)
    if not authority.sees_order(order):
        raise Http404
    return order


def access_seat(user, seat_id) -> Seat:
    """The seat if the user may see it; 404 for a missing and a foreign seat alike."""
    return get_object_or_404(
        seats_visible_to(user).select_related(
            "order__store", "order_line__product", "owner_group", "learner", "enrollment"
        ),
        pk=seat_id,
    )


def access_group(user, group_id) -> PurchasingGroup:
    """A group the user is an agent of (what the Groups page lists); 404 for any other."""
    return get_object_or_404(
        PurchasingGroup.objects.filter(pk__in=managed_group_ids(user)).select_related("store"),
        pk=group_id,
    )
