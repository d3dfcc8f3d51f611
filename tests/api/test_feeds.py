"""A client syncs: the audit events after the last one it has, and the links' delivery states."""

from seats import services
from seats.models import Redemption, SeatEvent


def test_events_are_fed_from_where_the_client_left_off(api, agent, seats):
    first = api.get("/events", {"limit": 2}).json()
    assert first["has_more"] and len(first["items"]) == 2
    rest = api.get("/events", {"since": first["next_since"], "limit": 100}).json()
    assert not rest["has_more"]
    ids = [e["id"] for e in first["items"] + rest["items"]]
    assert ids == list(SeatEvent.objects.order_by("pk").values_list("pk", flat=True))

    services.unassign_seat(seat=seats["assigned"], actor=agent)
    new = api.get("/events", {"since": rest["next_since"]}).json()
    assert [(e["action"], e["seat_id"], e["actor_email"]) for e in new["items"]] == [
        ("unassign", seats["assigned"].pk, agent.email)
    ]
    assert api.get("/events", {"since": new["next_since"]}).json() == {
        "items": [],
        "next_since": new["next_since"],
        "has_more": False,
    }


def test_redemptions_show_their_delivery_state(api, seats):
    link = Redemption.objects.get(seat=seats["awaiting"])
    Redemption.objects.filter(pk=link.pk).update(delivery_status=Redemption.Delivery.BOUNCED)
    bounced = api.get("/redemptions", {"delivery_status": "bounced"}).json()["items"]
    assert [(r["seat_id"], r["recipient_email"]) for r in bounced] == [
        (seats["awaiting"].pk, "grace@example.com")
    ]
    seat = api.get(f"/seats/{seats['awaiting'].pk}").json()
    assert seat["live_link"]["delivery_status"] == "bounced"
    assert "correct" in seat["actions"]


def test_seats_page_with_a_cursor_and_filter(api, seats):
    first = api.get("/seats", {"limit": 2}).json()
    second = api.get("/seats", {"limit": 2, "cursor": first["next_cursor"]}).json()
    third = api.get("/seats", {"limit": 2, "cursor": second["next_cursor"]}).json()
    ids = [s["id"] for page in (first, second, third) for s in page["items"]]
    assert ids == sorted(s.pk for s in seats.values())
    assert third["next_cursor"] is None

    assigned = api.get("/seats", {"status": "assigned"}).json()["items"]
    assert [s["id"] for s in assigned] == [seats["assigned"].pk]
    found = api.get("/seats", {"search": "grace"}).json()["items"]
    assert [s["id"] for s in found] == [seats["awaiting"].pk]
    by_learner = api.get("/seats", {"learner": "ADA@example.com"}).json()["items"]
    assert [s["id"] for s in by_learner] == [seats["assigned"].pk]


def test_a_cursor_the_api_did_not_give_is_a_400(api):
    response = api.get("/seats", {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert "cursor" in response.json()["detail"]


def test_orders_count_their_seats_by_status(api, order, seats):
    counts = api.get(f"/orders/{order.pk}").json()["seats_by_status"]
    assert counts == {
        "available": 2,
        "awaiting": 1,
        "assigned": 1,
        "return_pending": 1,
        "returned": 0,
    }
