"""The seat actions a store admin may take from a seat's page: the seat action catalog's entries,
offered where their rules allow, with the same forms, services and messages as in the portal. The
returns queue offers the approve and deny entries."""

from dataclasses import dataclass

from core.admin import ObjectAction
from seats.access import SeatAuthority
from seats.actions import ADMIN_ACTIONS, Offer, SeatAction


@dataclass(frozen=True)
class CatalogAction(ObjectAction):
    action: SeatAction | None = None

    def offered_to(self, user, seat) -> bool:
        return self.action.offered(seat, _offer(user, seat.order.store_id))

    def make_form(self, data=None, *, obj, user, prefix: str):
        return self.action.form(data, seat=obj, user=user, prefix=prefix)

    def take(self, form, obj, user) -> str:
        return self.action.take(form)


def _offer(user, store_id: int) -> Offer:
    """What the admin manages, read once per request (kept on the request's user) rather than
    once per action offered on the page."""
    offers = user.__dict__.setdefault("_seat_offers", {})
    if store_id not in offers:
        authority = SeatAuthority.of(user)
        offers[store_id] = Offer(authority=authority, group_ids=authority.groups_in(store_id))
    return offers[store_id]


SEAT_ACTIONS = tuple(
    CatalogAction(action.slug, action.title, action=action) for action in ADMIN_ACTIONS.values()
)
BY_SLUG = {entry.name: entry for entry in SEAT_ACTIONS}
APPROVE_RETURN, DENY_RETURN = BY_SLUG["approve"], BY_SLUG["deny"]
