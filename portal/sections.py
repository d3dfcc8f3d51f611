"""Which sections of the portal the navigation offers someone: Orders to buyers and agents,
Groups, Join links and Seat requests (with how many wait) to agents."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, Subquery

from joins.selectors import waiting_request_count, waiting_requests
from orders.models import Order
from seats.access import authority_read, managed_group_ids


def portal_sections(request) -> dict[str, bool | int]:
    """The sections of the portal the signed-in person has something in, for the navigation:
    Orders for buyers and agents, Groups for agents, and the seat requests waiting for them. One
    query; nothing for a visitor. Where the page has read the person's ``SeatAuthority`` (the
    order page, a seat's pages), the query starts from the groups it found, which costs a
    fraction of finding them again."""
    user = request.user
    if not user.is_authenticated:
        return {"orders": False, "groups": False, "seat_requests": 0}
    placed = Order.objects.filter(buyer_id=user.pk)
    authority = authority_read(request)
    if authority is not None:
        agent = bool(authority.group_ids)
        return {
            "orders": agent or placed.exists(),
            "groups": agent,
            "seat_requests": waiting_requests(authority.group_ids).count() if agent else 0,
        }
    found = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values(
            placed=Exists(placed),
            agent=Exists(managed_group_ids(user)),
            requests=Subquery(waiting_request_count(managed_group_ids(user))),
        )
        .get()
    )
    return {
        "orders": found["placed"] or found["agent"],
        "groups": found["agent"],
        "seat_requests": found["requests"] or 0,
    }
