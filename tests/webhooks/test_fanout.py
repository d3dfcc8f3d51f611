"""Which endpoints hear of which seat events, and what they are told: every place that writes a
seat event announces it once, and the deliveries are written in the same transaction."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campus.progress import record_progress
from core.errors import SeatActionError
from imports.bulk import AssignRow, RecipientRow, bulk_assign, bulk_email_redemptions
from notifications.models import OutboundEmail
from notifications.services import record_delivery
from seats import services as seat_services
from seats.models import Enrollment, Seat, SeatEvent
from seats.services import expire_redemptions
from seats.tokens import token_for
from tests import factories
from webhooks import services
from webhooks.models import Delivery, EventType

from .conftest import ALL_EVENTS

pytestmark = pytest.mark.django_db


def next_year():
    return timezone.now() + timedelta(days=365)


def types_of(endpoint) -> list[str]:
    return list(endpoint.deliveries.order_by("pk").values_list("event_type", flat=True))


def register(user, events=ALL_EVENTS, *, store=None):
    return services.register_endpoint(
        actor=user, url="http://127.0.0.1:9/hooks", events=events, store=store
    )


def test_each_seat_action_the_issue_lists_reaches_the_agents_endpoint_once(
    order, agent, learner, store_admin
):
    endpoint = register(agent)
    first, second, third = order.seats.order_by("pk")[:3]
    seat_services.assign_seat(seat=first, actor=agent, email="ada@example.com")
    seat_services.unassign_seat(seat=first, actor=agent)
    link = seat_services.email_redemption(seat=second, actor=agent, email=learner.email)
    seat_services.redeem_link(token=token_for(link.token_nonce), user=learner)
    seat_services.request_return(seat=second, actor=agent, reason="Left")
    seat_services.deny_return(seat=second, actor=store_admin, note="Started the course")
    seat_services.request_return(seat=second, actor=agent, reason="Left, really")
    seat_services.approve_return(seat=second, actor=store_admin)
    seat_services.email_redemption(seat=third, actor=agent, email="late@example.com")
    expire_redemptions(now=next_year())

    assert types_of(endpoint) == [
        EventType.SEAT_ASSIGNED,
        EventType.SEAT_UNASSIGNED,
        EventType.LINK_EMAILED,
        EventType.LINK_REDEEMED,
        EventType.RETURN_REQUESTED,
        EventType.RETURN_DENIED,
        EventType.RETURN_REQUESTED,
        EventType.RETURN_APPROVED,
        EventType.LINK_EMAILED,
        EventType.LINK_EXPIRED,
    ]
    assert set(Delivery.objects.values_list("status", "attempts")) == {("pending", 0)}


def test_the_payload_has_the_seat_and_the_learner_but_no_token_or_link(order, agent):
    endpoint = register(agent)
    seat = order.seats.first()
    link = seat_services.email_redemption(seat=seat, actor=agent, email="ann@example.com")
    payload = endpoint.deliveries.get().payload

    assert payload["type"] == "link.emailed"
    data = payload["data"]
    assert data["seat"] == {"id": seat.pk, "status": "awaiting", "from_status": "available"}
    assert data["order"] == {"id": order.pk, "number": order.number}
    assert data["group"] == {"id": order.owner_group_id, "name": order.owner_group.name}
    assert data["email"] == "ann@example.com"
    assert data["store_id"] == order.store_id
    text = str(payload)
    assert token_for(link.token_nonce) not in text
    assert link.token_hash not in text
    assert "/redeem/" not in text


def test_endpoints_hear_only_of_seats_their_owner_manages(order, agent, other_agent, store):
    mine = register(agent)
    stranger = register(other_agent)
    colleague = factories.make_agent(order.owner_group, email="colleague@example.com")
    colleagues = register(colleague)
    store_wide = register(factories.make_store_admin(), store=store)
    other_store = register(factories.make_store_admin(), store=factories.StoreFactory())

    seat_services.assign_seat(seat=order.seats.first(), actor=agent, email="ada@example.com")

    assert types_of(mine) == types_of(colleagues) == types_of(store_wide) == ["seat.assigned"]
    assert types_of(stranger) == types_of(other_store) == []


def test_a_seat_without_owner_group_goes_to_the_buyers_endpoints(agent, store):
    order = factories.make_order(seats=1, buyer=agent)
    Seat.objects.filter(order=order).update(owner_group=None)
    group_agent = factories.make_agent(order.owner_group, email="groupagent@example.com")
    buyers, other = register(agent), register(group_agent)

    seat_services.assign_seat(seat=order.seats.get(), actor=agent, email="ada@example.com")

    assert types_of(buyers) == ["seat.assigned"]
    assert types_of(other) == []


def test_an_endpoint_hears_only_the_events_it_chose_and_nothing_once_paused(order, agent):
    assigned_only = register(agent, [EventType.SEAT_ASSIGNED])
    paused = register(agent)
    services.set_endpoint_active(paused, active=False)
    seat = order.seats.first()
    seat_services.email_redemption(seat=seat, actor=agent, email="ann@example.com")
    seat_services.cancel_redemption(seat=seat, actor=agent)
    seat_services.assign_seat(seat=seat, actor=agent, email="ada@example.com")

    assert types_of(assigned_only) == ["seat.assigned"]
    assert types_of(paused) == []


def test_a_refused_action_writes_no_delivery(order, agent):
    endpoint = register(agent)
    seat = order.seats.first()
    seat_services.assign_seat(seat=seat, actor=agent, email="ada@example.com")
    with pytest.raises(SeatActionError, match="cannot be assigned"):
        seat_services.assign_seat(seat=seat, actor=agent, email="bob@example.com")
    assert types_of(endpoint) == ["seat.assigned"]


def test_a_bounce_the_provider_reports_is_in_the_history_and_sent_once(redemption, agent):
    endpoint = register(agent)
    email = OutboundEmail.objects.get()
    for _ in range(2):  # the provider reports the same bounce twice
        record_delivery(event_type="bounced", message_id=None, email_id=str(email.pk))

    bounces = SeatEvent.objects.filter(action=SeatEvent.Action.BOUNCE)
    details = {"recipient": redemption.recipient_email, "redemption_id": redemption.pk}
    assert list(bounces.values_list("seat_id", "details")) == [(redemption.seat_id, details)]
    delivery = endpoint.deliveries.get()
    assert delivery.event_type == "link.bounced"
    assert delivery.payload["data"]["email"] == redemption.recipient_email


def test_a_completed_course_is_announced_and_earlier_progress_is_not(order, agent):
    endpoint = register(agent)
    seat = seat_services.assign_seat(seat=order.seats.first(), actor=agent, email="ada@example.com")
    enrollment = Enrollment.objects.get(seat=seat)
    record_progress(enrollment=enrollment, status=Enrollment.Status.IN_PROGRESS)
    record_progress(
        enrollment=enrollment, status=Enrollment.Status.COMPLETED, result=Enrollment.Result.PASSED
    )

    assert types_of(endpoint) == ["seat.assigned", "course.completed"]
    completed = endpoint.deliveries.get(event_type="course.completed").payload["data"]
    assert (completed["email"], completed["result"]) == ("ada@example.com", "passed")


def test_events_no_endpoint_can_hear_of_cost_no_query(order, agent, group):
    register(agent)
    other_group = factories.PurchasingGroupFactory(store=order.store)
    factories.GroupMembershipFactory(group=other_group, user=agent)
    with CaptureQueriesContext(connection) as queries:
        seat_services.change_seat_owner_group(
            seat=order.seats.first(), actor=agent, group=other_group
        )
    assert _webhook_queries(queries) == []


def test_seats_no_endpoint_may_hear_of_cost_one_query(order, agent, other_agent):
    register(other_agent)
    with CaptureQueriesContext(connection) as queries:
        seat_services.assign_seat(seat=order.seats.first(), actor=agent, email="ada@example.com")
    assert len(_webhook_queries(queries)) == 1
    assert not Delivery.objects.exists()


def _webhook_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "webhooks_" in q["sql"]]


@pytest.mark.postgres
def test_a_5000_row_import_writes_its_deliveries_in_a_constant_number_of_queries(agent, group):
    register(agent)
    register(agent, [EventType.LINK_EMAILED])
    counts = []
    for size in (10, 5000):
        order = factories.make_order(seats=size, buyer=agent, group=group)
        rows = [AssignRow(row=n + 2, email=f"l{size}-{n}@example.com") for n in range(size)]
        with CaptureQueriesContext(connection) as queries:
            bulk_assign(order=order, actor=agent, rows=rows)
        counts.append((len(queries), len(_webhook_queries(queries))))
    assert counts[0] == counts[1]
    assert counts[1][1] <= 3  # the endpoints, the agent's groups, one insert
    assert Delivery.objects.filter(event_type="seat.assigned").count() == 5010


def test_a_bulk_email_import_announces_each_link(agent, group):
    endpoint = register(agent)
    order = factories.make_order(seats=3, buyer=agent, group=group)
    bulk_email_redemptions(
        order=order,
        actor=agent,
        rows=[RecipientRow(row=n + 2, email=f"r{n}@example.com") for n in range(3)],
    )
    emails = {d.payload["data"]["email"] for d in endpoint.deliveries.all()}
    assert types_of(endpoint) == ["link.emailed"] * 3
    assert emails == {"r0@example.com", "r1@example.com", "r2@example.com"}
