"""Seat events become deliveries: ``deliveries_for_events`` answers ``seats.signals.
events_recorded`` in the action's transaction with a handful of statements per announcement,
whether it carries one event or a bulk import's thousands.

An event goes to the endpoints of the agents who manage the seat (``SeatAuthority.manages``: the
agents of its owner group, or the order's buyer when it has none) and to its store's endpoints,
each only for the event types it subscribes to."""

from django.db.models import Q

from core.bulk_sql import values_among
from groups.models import GroupMembership
from seats.access import SeatAuthority
from seats.events import Event
from seats.models import Enrollment, Seat, SeatEvent

from .models import Delivery, Endpoint, EventType
from .services import queue_deliveries

Action = SeatEvent.Action
EVENT_TYPES = {
    Action.ASSIGN: EventType.SEAT_ASSIGNED,
    Action.EMAIL_REDEMPTION: EventType.LINK_EMAILED,
    Action.RESEND: EventType.LINK_EMAILED,
    Action.CORRECT_RECIPIENT: EventType.LINK_EMAILED,
    Action.REDEEM: EventType.LINK_REDEEMED,
    Action.BOUNCE: EventType.LINK_BOUNCED,
    Action.EXPIRE: EventType.LINK_EXPIRED,
    Action.UNASSIGN: EventType.SEAT_UNASSIGNED,
    Action.REQUEST_RETURN: EventType.RETURN_REQUESTED,
    Action.APPROVE_RETURN: EventType.RETURN_APPROVED,
    Action.DENY_RETURN: EventType.RETURN_DENIED,
}
"""The seat events an endpoint can hear of; course progress counts once it is completed."""


def event_type(event: Event) -> str | None:
    if event.action == Action.PROGRESS:
        completed = event.details.get("status") == Enrollment.Status.COMPLETED
        return EventType.COURSE_COMPLETED if completed else None
    return EVENT_TYPES.get(event.action)


def deliveries_for_events(sender, *, events: list[Event], **kwargs) -> None:
    """No query at all for events no endpoint can hear of (reminders, group changes), one when
    no endpoint may hear of these seats: the events are paired with their types only then."""
    seat_ids = {event.seat_id for event in events if event_type(event)}
    if not seat_ids:
        return
    endpoints = _endpoints_near(seat_ids)
    if not endpoints:
        return
    typed = [(event, kind) for event in events if (kind := event_type(event))]
    seats = Seat.objects.select_related(
        "order", "owner_group", "order_line__product", "learner"
    ).in_bulk(seat_ids)
    authorities = _authorities(endpoints, seats.values())
    deliveries = [
        Delivery(endpoint=endpoint, event_type=kind, payload=payload(event, kind, seat))
        for event, kind in typed
        for seat in [seats[event.seat_id]]
        for endpoint in endpoints
        if kind in endpoint.events and _receives(endpoint, seat, authorities)
    ]
    queue_deliveries(deliveries)


def _endpoints_near(seat_ids: set[int]) -> list[Endpoint]:
    """The active endpoints that may hear of any of the seats: their stores', their groups'
    agents', and their buyers' where a seat has no group. Whose seat is whose is decided after.
    The seats are read once, down to the few (store, group, buyer) they share, so that a bulk
    import's thousands of ids are sent to the database once (as one array), not once per kind
    of endpoint."""
    near = set(
        values_among(
            Seat.objects.distinct(),
            "pk",
            list(seat_ids),
            "order__store_id",
            "owner_group_id",
            "order__buyer_id",
        )
    )
    stores = {store for store, _, _ in near}
    groups = {group for _, group, _ in near} - {None}
    buyers = {buyer for _, group, buyer in near if group is None}
    agents = GroupMembership.objects.filter(
        role=GroupMembership.Role.AGENT, group_id__in=groups
    ).values("user_id")
    return list(
        Endpoint.objects.filter(is_active=True).filter(
            Q(store_id__in=stores)
            | Q(owner__is_active=True, owner_id__in=agents)
            | Q(owner__is_active=True, owner_id__in=buyers)
        )
    )


def _authorities(endpoints: list[Endpoint], seats) -> dict[int, SeatAuthority]:
    """What each endpoint owner manages among the seats' groups, read in one query."""
    owners = {endpoint.owner_id for endpoint in endpoints} - {None}
    groups = {seat.owner_group_id for seat in seats} - {None}
    memberships: dict[int, dict[int, int]] = {owner: {} for owner in owners}
    if owners and groups:
        for user_id, group_id, store_id in GroupMembership.objects.filter(
            user_id__in=owners, group_id__in=groups, role=GroupMembership.Role.AGENT
        ).values_list("user_id", "group_id", "group__store_id"):
            memberships[user_id][group_id] = store_id
    return {
        owner: SeatAuthority(user_id=owner, store_admin=False, group_stores=groups_of)
        for owner, groups_of in memberships.items()
    }


def _receives(endpoint: Endpoint, seat: Seat, authorities: dict[int, SeatAuthority]) -> bool:
    if endpoint.store_id is not None:
        return endpoint.store_id == seat.order.store_id
    return authorities[endpoint.owner_id].manages(seat)


def payload(event: Event, kind: str, seat: Seat) -> dict:
    """What a receiver gets: the event and the seat's public fields; never a token or a link."""
    details = event.details or {}
    group = seat.owner_group
    product = seat.order_line.product
    data = {
        "event_id": event.pk,
        "action": event.action,
        "seat": {"id": seat.pk, "status": event.to_status, "from_status": event.from_status},
        "order": {"id": seat.order_id, "number": seat.order.number},
        "store_id": seat.order.store_id,
        "group": {"id": group.pk, "name": group.name} if group else None,
        "course": {"id": product.pk, "name": product.name},
        "email": details.get("recipient") or details.get("learner") or _learner_email(seat),
    }
    if kind == EventType.COURSE_COMPLETED:
        data["result"] = details.get("result", "")
    return {"type": kind, "timestamp": event.created_at.isoformat(), "data": data}


def _learner_email(seat: Seat) -> str | None:
    return seat.learner.email if seat.learner_id else None
