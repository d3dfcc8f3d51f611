"""What changed: the audit events as a feed a client syncs from, and the redemption links with
their delivery state."""

from django.db.models import F
from ninja import Query, Router

from seats.models import Redemption, SeatEvent

from .. import scope
from ..pagination import page
from ..schemas import EventFeed, RedemptionPage, one_of
from .common import MAX_ID, READ_ERRORS, cursor, limit

router = Router(tags=["changes"])


@router.get("/events", response={200: EventFeed, **READ_ERRORS}, summary="Seat events since")
def list_events(
    request,
    since: int = Query(0, ge=0, le=MAX_ID, description="The last event id you have; 0 for all."),
    limit: int = limit(),
):
    """Every change to a seat the key sees, in the order they happened (by id). Pass the answer's
    `next_since` as `since` to get what happened after; `has_more` says whether to ask at once."""
    events = (
        SeatEvent.objects.filter(seat__in=scope.seats(request.auth), pk__gt=since)
        .select_related("actor")
        .annotate(order_id=F("seat__order_id"))
        .order_by("pk")
    )
    rows = list(events[: limit + 1])
    items = rows[:limit]
    return {
        "items": items,
        "next_since": items[-1].pk if items else since,
        "has_more": len(rows) > limit,
    }


@router.get(
    "/redemptions", response={200: RedemptionPage, **READ_ERRORS}, summary="Redemption links"
)
def list_redemptions(
    request,
    seat: int | None = Query(None, ge=1, le=MAX_ID, description="Only this seat's links."),
    state: one_of(Redemption.State) | None = None,
    delivery_status: one_of(Redemption.Delivery) | None = None,
    cursor: str | None = cursor(),
    limit: int = limit(),
):
    """The emailed links of the seats the key sees, each with its delivery state (queued, sent,
    delivered, bounced, failed) as the email provider reported it."""
    links = Redemption.objects.filter(seat__in=scope.seats(request.auth))
    if seat is not None:
        links = links.filter(seat=scope.seat(request.auth, seat))
    if state:
        links = links.filter(state=state)
    if delivery_status:
        links = links.filter(delivery_status=delivery_status)
    rows, next_cursor = page(links, cursor=cursor, limit=limit)
    return {"items": rows, "next_cursor": next_cursor}
