"""Which sections of the portal the navigation offers someone: Orders to buyers and agents,
Groups to agents."""

from django.contrib.auth import get_user_model
from django.db.models import Exists

from orders.models import Order
from seats.access import managed_group_ids


def portal_sections(user) -> dict[str, bool]:
    """The sections of the portal the user has something in, for the navigation: Orders for
    buyers and agents, Groups for agents. One query; nothing for a visitor."""
    if not user.is_authenticated:
        return {"orders": False, "groups": False}
    found = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values(
            placed=Exists(Order.objects.filter(buyer_id=user.pk)),
            agent=Exists(managed_group_ids(user)),
        )
        .get()
    )
    return {"orders": found["placed"] or found["agent"], "groups": found["agent"]}
