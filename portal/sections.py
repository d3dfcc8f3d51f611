"""Which sections of the portal the navigation offers someone: Orders to buyers and agents,
Groups, Join links and Seat requests (with how many wait) to agents."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, Subquery

from joins.selectors import pending_request_count
from orders.models import Order
from seats.access import managed_group_ids


def portal_sections(user) -> dict[str, bool | int]:
    """The sections of the portal the user has something in, for the navigation: Orders for
    buyers and agents, Groups for agents, and the seat requests waiting for them. One query;
    nothing for a visitor."""
    if not user.is_authenticated:
        return {"orders": False, "groups": False, "seat_requests": 0}
    found = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values(
            placed=Exists(Order.objects.filter(buyer_id=user.pk)),
            agent=Exists(managed_group_ids(user)),
            requests=Subquery(pending_request_count(user)),
        )
        .get()
    )
    return {
        "orders": found["placed"] or found["agent"],
        "groups": found["agent"],
        "seat_requests": found["requests"] or 0,
    }
