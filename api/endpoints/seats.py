from ninja import Query, Router

from accounts.models import normalize_email
from seats.access import SeatAuthority
from seats.actions import Offer, offered_actions
from seats.models import Seat
from seats.selectors import live_links, pending_links, search_seats

from .. import scope
from ..pagination import page
from ..schemas import SeatDetail, SeatPage, SeatStatus
from .common import MAX_ID, NO_NUL, READ_ERRORS, cursor, limit, object_id

router = Router(tags=["seats"])

ROW_RELATIONS = ("owner_group", "learner", "enrollment")
# Only the columns a seat's answer shows: whole users and enrollments cost more than the query.
ROW_FIELDS = (
    "order_id",
    "order_line_id",
    "status",
    "version",
    "updated_at",
    "owner_group__name",
    "learner__email",
    "learner__first_name",
    "learner__last_name",
    "enrollment__status",
    "enrollment__result",
    "enrollment__training_url",
)


def seat_detail(key, seat_id: int) -> Seat:
    """A seat as the key sees it, with the actions its user may take on it now: the portal's
    offer, decided by the catalog (none for a store-wide key, which reads only)."""
    seat = scope.seat(key, seat_id)
    seat.live_links = list(pending_links().filter(seat=seat))
    actions = []
    if not key.store_wide:
        authority = SeatAuthority.of(key.user)
        offer = Offer(authority, authority.groups_in(seat.order.store_id))
        actions = [action.slug for action in offered_actions(seat, offer)]
    seat.course, seat.actions = seat.order_line.product.name, actions
    return seat


@router.get("/seats", response={200: SeatPage, **READ_ERRORS}, summary="List seats")
def list_seats(
    request,
    status: SeatStatus | None = None,
    order: int | None = Query(None, ge=1, le=MAX_ID, description="Only this order's seats."),
    owner_group: int | None = Query(None, ge=1, le=MAX_ID),
    learner: str | None = Query(
        None, max_length=254, pattern=NO_NUL, description="The learner's email."
    ),
    search: str = Query(
        "",
        max_length=200,
        pattern=NO_NUL,
        description="Words of a learner's name or email, or of a live link's recipient.",
    ),
    cursor: str | None = cursor(),
    limit: int = limit(),
):
    """The seats the key sees, in id order, a page at a time (keyset: as fast at the millionth
    seat as at the first)."""
    seats = scope.seats(request.auth)
    if order is not None:
        seats = seats.filter(order_id=order)
    if status:
        seats = seats.filter(status=status)
    if owner_group is not None:
        seats = seats.filter(owner_group_id=owner_group)
    if learner:
        seats = seats.filter(learner__email=normalize_email(learner))
    seats = search_seats(seats, search).select_related(*ROW_RELATIONS).only(*ROW_FIELDS)
    rows, next_cursor = page(seats.prefetch_related(live_links()), cursor=cursor, limit=limit)
    if not rows and order is not None:
        scope.order(request.auth, order)  # 404 for an order the key may not see
    return {"items": rows, "next_cursor": next_cursor}


@router.get("/seats/{seat_id}", response={200: SeatDetail, **READ_ERRORS}, summary="A seat")
def get_seat(request, seat_id: int = object_id()):
    """The seat, its course, and the actions (``/seats/{id}/<action>``) its user may take now."""
    return seat_detail(request.auth, seat_id)
