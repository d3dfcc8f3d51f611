"""Every seat action of the catalog through the API: it succeeds exactly where the portal's does,
and a refusal reads the same as on the portal's page."""

import pytest
from django.urls import reverse

from api.endpoints.actions import INPUTS
from seats import services
from seats.actions import AGENT_ACTIONS
from seats.lms import campus
from seats.models import Seat, SeatEvent
from tests import factories

VALID_INPUT = {
    "assign": {"email": "new@example.com"},
    "email": {"email": "new@example.com"},
    "transfer": {"email": "new@example.com"},
    "correct": {"email": "new@example.com"},
    "return": {"reason": "Left the company"},
}
KINDS = ["available", "awaiting", "assigned", "started", "return_pending", "returned"]


def _seat_in(kind: str, seats: dict) -> Seat:
    if kind == "started":
        campus().start(seats["assigned"].enrollment)
        return Seat.objects.get(pk=seats["assigned"].pk)
    if kind == "returned":
        services.refund_seat(seat=seats["spare"], actor=factories.make_store_admin())
        return Seat.objects.get(pk=seats["spare"].pk)
    return seats[kind]


def _page_says(client, seat: Seat, slug: str, data: dict) -> str:
    """What the portal's action page says when the action is refused."""
    response = client.post(reverse("portal:seat_action", args=[seat.pk, slug]), data)
    assert response.status_code == 200, "the portal took the action"
    if response.context["problem"]:
        return response.context["problem"]
    form = response.context["form"]
    return (form.non_field_errors() or [m for ms in form.errors.values() for m in ms])[0]


def test_every_agent_action_has_an_endpoint():
    assert set(INPUTS) == set(AGENT_ACTIONS)


@pytest.mark.parametrize("slug", list(AGENT_ACTIONS))
@pytest.mark.parametrize("kind", KINDS)
def test_an_action_succeeds_or_is_refused_in_the_pages_words(
    api, agent_client, agent, order, seats, kind, slug
):
    other_group = factories.PurchasingGroupFactory(store=order.store)
    factories.GroupMembershipFactory(user=agent, group=other_group)
    seat = _seat_in(kind, seats)
    body = {"version": seat.version, "group": other_group.pk, **VALID_INPUT.get(slug, {})}
    offered = slug in api.get(f"/seats/{seat.pk}").json()["actions"]

    response = api.post(f"/seats/{seat.pk}/{slug}", body)

    fresh = Seat.objects.get(pk=seat.pk)
    if response.status_code == 200:
        assert offered, (kind, slug)
        assert response.json()["seat"]["version"] == fresh.version > seat.version
        assert SeatEvent.objects.filter(seat=seat).latest("pk").actor == agent
        return
    assert not offered, (kind, slug, response.json())
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert fresh.version == seat.version, "a refusal changes nothing"
    page_data = {"version": seat.version, "group": other_group.pk, **VALID_INPUT.get(slug, {})}
    assert response.json()["detail"] == _page_says(agent_client, seat, slug, page_data)


def test_a_field_error_reads_as_on_the_page(api, agent_client, seats):
    seat = seats["available"]
    response = api.post(f"/seats/{seat.pk}/email", {"email": "not an address"})
    assert response.status_code == 422
    problem = response.json()
    page = _page_says(
        agent_client, seat, "email", {"version": seat.version, "email": "not an address"}
    )
    assert problem["errors"] == [{"field": "email", "message": page}]


def test_a_required_question_is_asked_by_its_id(api, order, seats):
    question = factories.QuestionFactory(store=order.store, prompt="Employee ID")
    seat = seats["available"]
    response = api.post(f"/seats/{seat.pk}/assign", {"email": "new@example.com"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [f"answers.{question.pk}"]

    answered = {"email": "new@example.com", "answers": {str(question.pk): "E-7"}}
    assert api.post(f"/seats/{seat.pk}/assign", answered).status_code == 200
    assert Seat.objects.get(pk=seat.pk).status == Seat.Status.ASSIGNED


def test_a_stale_version_is_refused(api, seats):
    seat = seats["assigned"]
    response = api.post(f"/seats/{seat.pk}/unassign", {"version": seat.version - 1})
    assert response.status_code == 409
    assert "changed since" in response.json()["detail"]
    assert Seat.objects.get(pk=seat.pk).status == Seat.Status.ASSIGNED


def test_a_store_wide_key_reads_but_does_not_act(store_admin, seats):
    from tests.support.api import api_client_for

    api = api_client_for(store_admin, store_wide=True)
    seat = seats["available"]
    assert api.get(f"/seats/{seat.pk}").json()["actions"] == []
    response = api.post(f"/seats/{seat.pk}/email", {"email": "new@example.com"})
    assert response.status_code == 403
    assert Seat.objects.get(pk=seat.pk).status == Seat.Status.AVAILABLE
