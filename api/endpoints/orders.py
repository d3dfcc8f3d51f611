from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Router

from orders.models import OrderLine
from seats.models import Seat
from seats.selectors import annotate_status_counts

from .. import scope
from ..pagination import page
from ..schemas import OrderOut, OrderPage
from .common import READ_ERRORS, cursor, limit, object_id

router = Router(tags=["orders"])


def _orders(key):
    """The key's orders with their lines and a seat count per status: correlated counts, for the
    rows fetched only (``annotate_status_counts``)."""
    lines = OrderLine.objects.select_related("product")
    return annotate_status_counts(
        scope.orders(key)
        .select_related("store", "owner_group")
        .prefetch_related(Prefetch("lines", queryset=lines))
    )


def _out(order) -> dict:
    return {
        "id": order.pk,
        "number": order.number,
        "store": order.store.name,
        "status": order.status,
        "kind": order.kind,
        "owner_group": order.owner_group,
        "placed_at": order.placed_at,
        "paid_at": order.paid_at,
        "lines": [
            {
                "id": line.pk,
                "course": line.product.name,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
            }
            for line in order.lines.all()
        ],
        "seat_count": order.seat_count,
        "seats_by_status": {s.value: getattr(order, f"{s.value}_count") for s in Seat.Status},
    }


@router.get("/orders", response={200: OrderPage, **READ_ERRORS}, summary="List orders")
def list_orders(request, cursor: str | None = cursor(), limit: int = limit()):
    """The orders the key's user placed or whose seats their groups own, oldest first."""
    rows, next_cursor = page(_orders(request.auth), cursor=cursor, limit=limit)
    return {"items": [_out(order) for order in rows], "next_cursor": next_cursor}


@router.get("/orders/{order_id}", response={200: OrderOut, **READ_ERRORS}, summary="An order")
def get_order(request, order_id: int = object_id()):
    return _out(get_object_or_404(_orders(request.auth), pk=order_id))
