"""An invited learner who never chose a password can still get a reset link."""

import pytest
from django.core import mail

from seats import services

pytestmark = pytest.mark.django_db


def test_invited_learner_without_a_password_can_ask_for_a_reset_link(
    client, order, agent, django_capture_on_commit_callbacks
):
    services.assign_seat(seat=order.seats.first(), actor=agent, email="invited@example.com")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/password/reset/", {"email": "Invited@Example.com"})

    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["invited@example.com"]]
    assert "/account/password/reset/" in mail.outbox[0].body
