"""Safe retries: a POST repeated with the same Idempotency-Key, one after the other or at the same
moment, changes the data once and answers the first answer."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import IdempotentRequest
from api.tasks import forget_idempotent_answers
from notifications.models import OutboundEmail
from seats.models import Redemption, Seat, SeatEvent
from tests import factories
from tests.support.api import api_client_for
from tests.support.concurrency import race

EMAIL = {"email": "grace@example.com", "message": "Welcome"}


def _email_link(api, seat, key="retry-1", body=EMAIL):
    return api.post(f"/seats/{seat.pk}/email", body, headers={"Idempotency-Key": key})


def _changes(seat) -> tuple[int, int]:
    return (
        SeatEvent.objects.filter(seat=seat).count(),
        Redemption.objects.filter(seat=seat).count(),
    )


@pytest.mark.django_db
def test_a_repeated_post_changes_nothing_and_answers_the_same(api, seats):
    seat = seats["available"]
    emails = OutboundEmail.objects.count()
    first = _email_link(api, seat)
    again = _email_link(api, seat)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert _changes(seat) == (1, 1)
    assert OutboundEmail.objects.count() == emails + 1, "one email to the recipient"


@pytest.mark.django_db
def test_a_refusal_is_repeated_too(api, seats):
    seat = seats["assigned"]
    first = _email_link(api, seat)
    assert first.status_code == 409
    assert _email_link(api, seat).content == first.content


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused(api, seats):
    seat = seats["available"]
    _email_link(api, seat)
    other = _email_link(api, seat, body={"email": "someone.else@example.com"})
    assert other.status_code == 422
    assert other.json()["type"].endswith("idempotency-key-reused")
    assert Redemption.objects.get(seat=seat).recipient_email == "grace@example.com"


@pytest.mark.django_db
def test_keys_belong_to_their_api_key(api, agent, seats):
    """Another key's client may happen on the same Idempotency-Key: it is another request."""
    colleague = api_client_for(agent)
    _email_link(api, seats["available"])
    assert _email_link(colleague, seats["spare"]).status_code == 200
    assert Seat.objects.get(pk=seats["spare"].pk).status == Seat.Status.AWAITING


@pytest.mark.django_db
def test_a_rate_limited_answer_is_not_kept(api, seats, settings):
    settings.API_RATE_LIMIT = 0
    assert _email_link(api, seats["available"]).status_code == 429
    assert not IdempotentRequest.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_post_sent_concurrently_changes_the_data_once():
    group = factories.PurchasingGroupFactory()
    agent = factories.make_agent(group)
    seat = factories.make_order(seats=1, buyer=agent, group=group).seats.get()
    api = api_client_for(agent)

    answers = race([lambda: _email_link(api, seat) for _ in range(4)]).returned()

    assert [a.status_code for a in answers] == [200] * 4
    assert len({a.content for a in answers}) == 1
    assert sum(a.has_header("Idempotent-Replayed") for a in answers) == 3
    assert _changes(seat) == (1, 1)
    assert Seat.objects.get(pk=seat.pk).status == Seat.Status.AWAITING


@pytest.mark.django_db
def test_answers_are_forgotten_after_a_day_and_the_key_can_be_used_again(api, seats):
    seat = seats["available"]
    _email_link(api, seat)
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert forget_idempotent_answers() == 1
    again = _email_link(api, seat)
    assert again.status_code == 409, "a new request: the seat is awaiting now"
