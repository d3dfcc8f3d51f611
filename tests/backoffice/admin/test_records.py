"""What services write is listed read-only: events, refunds, links, answers, emails."""

import pytest
from django.contrib.auth.models import Permission

from notifications.models import OutboundEmail
from orders.models import Refund
from seats.models import Redemption, Seat, SeatEvent, SupplementalAnswer
from tests import factories
from tests.support.admin import change_url, changelist_url, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(order):
    """Seats in every state, so every record type has rows."""
    question = factories.QuestionFactory(store=order.store, required=False)
    for status in (Seat.Status.AWAITING, Seat.Status.ASSIGNED, Seat.Status.RETURNED):
        factories.make_seat(status, order=order, learner_email=f"{status}@example.com")
    seat = order.seats.get(status=Seat.Status.ASSIGNED)
    SupplementalAnswer.objects.create(seat=seat, question=question, learner=seat.learner, value="x")
    return order


@pytest.mark.parametrize(
    "model", [SeatEvent, Refund, Redemption, SupplementalAnswer, OutboundEmail]
)
def test_records_are_listed_and_never_edited(admin_client, history, model):
    assert admin_client.get(changelist_url(model)).status_code == 200
    obj = model.objects.first()
    page = admin_client.get(change_url(obj))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert admin_client.get(changelist_url(model) + "add/").status_code == 403
    assert admin_client.post(change_url(obj) + "delete/").status_code == 403


def test_a_redemption_never_shows_its_token(admin_client, history):
    redemption = Redemption.objects.get()
    page = admin_client.get(change_url(redemption)).content.decode()
    assert redemption.recipient_email in page
    assert redemption.token_hash not in page
    assert redemption.token_nonce not in page


def test_events_filter_by_action_and_search_by_seat_or_actor(admin_client, history, agent):
    seat = history.seats.get(status=Seat.Status.ASSIGNED)
    url = changelist_url(SeatEvent)
    by_seat = admin_client.get(url, {"q": str(seat.pk)}).context["cl"]
    assert {e.seat_id for e in by_seat.result_list} == {seat.pk}
    by_actor = admin_client.get(url, {"q": agent.email}).context["cl"]
    assert {e.actor_id for e in by_actor.result_list} == {agent.pk}
    refunds = admin_client.get(url, {"action__exact": "refund"}).context["cl"]
    assert [e.action for e in refunds.result_list] == ["refund"]


def test_resend_now_hands_waiting_emails_to_the_sender(admin_client, history):
    OutboundEmail.objects.update(status=OutboundEmail.Status.PENDING, queued_at=None)
    sent = OutboundEmail.objects.first()
    OutboundEmail.objects.filter(pk=sent.pk).update(status=OutboundEmail.Status.SENT)
    ids = list(OutboundEmail.objects.values_list("pk", flat=True))

    response = admin_client.post(
        changelist_url(OutboundEmail),
        {"action": "resend_now", "_selected_action": ids},
        follow=True,
    )

    waiting = len(ids) - 1
    assert (
        f"{waiting} of {waiting} waiting emails handed to the sender. 1 already sent or failed "
        "for good were left alone." in messages_of(response)
    )
    # Celery runs eagerly in tests: the waiting emails were sent.
    assert not OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).exists()


def test_resend_now_needs_the_outbox_change_permission(client, history):
    staff = factories.UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_outboundemail"))
    client.force_login(staff)
    page = client.get(changelist_url(OutboundEmail)).content.decode()
    assert "resend_now" not in page
