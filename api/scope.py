"""What a key may see: through the portal's access doors (``seats.access``) for an agent's key,
everything for a store-wide key. Another organization's ids answer 404, as on the pages."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja.errors import HttpError

from groups.models import PurchasingGroup
from orders.models import Order
from seats import access
from seats.models import ImportJob, Seat

from .models import ApiKey


def orders(key: ApiKey) -> QuerySet[Order]:
    return Order.objects.all() if key.store_wide else access.orders_visible_to(key.user)


def seats(key: ApiKey) -> QuerySet[Seat]:
    return Seat.objects.all() if key.store_wide else access.seats_visible_to(key.user)


def groups(key: ApiKey) -> QuerySet[PurchasingGroup]:
    if key.store_wide:
        return PurchasingGroup.objects.all()
    return PurchasingGroup.objects.filter(pk__in=access.managed_group_ids(key.user))


def order(key: ApiKey, order_id: int) -> Order:
    if not key.store_wide:
        return access.access_order(access.SeatAuthority.of(key.user), order_id)
    return get_object_or_404(Order.objects.select_related("store", "owner_group"), pk=order_id)


def seat(key: ApiKey, seat_id: int) -> Seat:
    if not key.store_wide:
        return access.access_seat(key.user, seat_id)
    related = ("order__store", "order_line__product", "owner_group", "learner", "enrollment")
    return get_object_or_404(Seat.objects.select_related(*related), pk=seat_id)


def import_job(key: ApiKey, job_id: int) -> ImportJob:
    return get_object_or_404(
        ImportJob.objects.defer("rows").filter(order__in=orders(key)), pk=job_id
    )


def acting(key: ApiKey):
    """The user a key acts as; a store-wide key reads only (store admins act in the admin)."""
    if key.store_wide:
        raise HttpError(403, "A store-wide key reads only; store admins act in the admin.")
    return key.user
