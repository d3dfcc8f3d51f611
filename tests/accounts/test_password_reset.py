"""An invited learner who never chose a password can still get a reset link."""

import pytest
from django.core import mail

from seats import services

pytestmark = pytest.mark.django_db


def test_invited_learner_without_a_password_can_ask_for_a_reset_link(client, order, agent):
    services.assign_seat(seat=order.seats.first(), actor=agent, email="invited@example.com")
    mail.outbox.clear()

    response = client.post("/account/password/reset/", {"email": "Invited@Example.com"})

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["invited@example.com"]]
    assert "/account/password/reset/" in mail.outbox[0].body


def test_unknown_address_gets_the_same_answer_and_no_email(client, db):
    response = client.post("/account/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []
