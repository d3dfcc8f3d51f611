"""Provider tracking webhooks, signed and posted to Anymail's endpoints, update the outbox row and
the redemption's delivery status the agent sees."""

import base64
import hashlib
import hmac
import json
import secrets
import time

import pytest

from notifications.emails import METADATA_KEY
from notifications.models import OutboundEmail
from notifications.tasks import send_emails
from seats.models import Redemption

SIGNING_KEY = "mailgun-signing-key"
BASIC_AUTH = "hook:s3cret"
MAILGUN = "/webhooks/anymail/mailgun/tracking/"
POSTMARK = "/webhooks/anymail/postmark/tracking/"


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": BASIC_AUTH, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"


@pytest.fixture
def sent(email):
    """The redemption email, sent through an Anymail backend that returned a message id."""
    send_emails.apply(args=[[email.pk]])
    email.refresh_from_db()
    assert email.provider_message_id == "0"  # the test backend numbers its messages
    # what Mailgun's API answers instead, and its webhooks quote
    email.provider_message_id = "<20260101.1.abc@mg.example.com>"
    email.save(update_fields=["provider_message_id"])
    return email


def _auth(credentials=BASIC_AUTH):
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


def mailgun(client, event, *, message_id="", metadata=None, key=SIGNING_KEY, **extra):
    timestamp, token = str(int(time.time())), secrets.token_hex(25)
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    payload = {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature.hexdigest()},
        "event-data": {
            "event": event,
            "timestamp": float(timestamp),
            "recipient": "recipient@example.com",
            "message": {"headers": {"message-id": message_id}},
            "user-variables": metadata or {},
            **extra,
        },
    }
    return client.post(MAILGUN, json.dumps(payload), content_type="application/json", **_auth())


def _delivery(email):
    return Redemption.objects.get(pk=email.redemption_id).delivery_status


def test_message_carries_the_outbox_id_for_the_provider(sent, mailoutbox):
    assert mailoutbox[0].anymail_test_params["metadata"] == {METADATA_KEY: str(sent.pk)}


def test_delivered_event_marks_the_redemption_delivered(client, sent):
    response = mailgun(client, "delivered", message_id=sent.provider_message_id)
    assert response.status_code == 200
    assert _delivery(sent) == Redemption.Delivery.DELIVERED
    sent.refresh_from_db()
    assert sent.status == OutboundEmail.Status.SENT


def test_bounce_is_recorded_for_the_agent(client, sent):
    response = mailgun(
        client,
        "failed",
        metadata={METADATA_KEY: str(sent.pk)},
        severity="permanent",
        reason="bounce",
        **{"delivery-status": {"description": "No such mailbox", "message": "550 5.1.1"}},
    )
    assert response.status_code == 200
    assert _delivery(sent) == Redemption.Delivery.BOUNCED
    sent.refresh_from_db()
    assert (sent.status, sent.last_error) == (OutboundEmail.Status.FAILED, "No such mailbox")


def test_event_found_by_metadata_before_the_message_id_was_saved(client, email):
    OutboundEmail.objects.filter(pk=email.pk).update(status=OutboundEmail.Status.SENT)
    mailgun(client, "delivered", message_id="<unknown@esp>", metadata={METADATA_KEY: str(email.pk)})
    assert _delivery(email) == Redemption.Delivery.DELIVERED


def test_late_events_do_not_hide_a_bounce(client, sent):
    mailgun(client, "failed", message_id=sent.provider_message_id, severity="permanent")
    mailgun(client, "delivered", message_id=sent.provider_message_id)
    mailgun(client, "accepted", message_id=sent.provider_message_id)
    assert _delivery(sent) == Redemption.Delivery.BOUNCED


def test_rejected_by_the_provider_is_a_failure(client, sent):
    mailgun(client, "rejected", message_id=sent.provider_message_id, reject={"reason": "no"})
    assert _delivery(sent) == Redemption.Delivery.FAILED


@pytest.mark.parametrize("event", ["opened", "clicked"])
def test_engagement_and_deferrals_change_nothing(client, sent, event):
    assert mailgun(client, event, message_id=sent.provider_message_id).status_code == 200
    temporary = mailgun(client, "failed", message_id=sent.provider_message_id, severity="temporary")
    assert temporary.status_code == 200
    assert _delivery(sent) == Redemption.Delivery.SENT


def test_event_about_someone_elses_message_is_ignored(client, sent):
    assert mailgun(client, "delivered", message_id="<not-ours@esp>").status_code == 200
    assert _delivery(sent) == Redemption.Delivery.SENT


def test_forged_signature_is_refused(client, sent):
    response = mailgun(client, "delivered", message_id=sent.provider_message_id, key="guess")
    assert response.status_code == 400
    assert _delivery(sent) == Redemption.Delivery.SENT


def test_wrong_basic_auth_is_refused(client, sent):
    payload = {"RecordType": "Delivery", "MessageID": sent.provider_message_id}
    response = client.post(
        POSTMARK, json.dumps(payload), content_type="application/json", **_auth("hook:wrong")
    )
    assert response.status_code == 400
    assert _delivery(sent) == Redemption.Delivery.SENT


def test_postmark_delivery_is_recorded_too(client, sent):
    payload = {
        "RecordType": "Delivery",
        "MessageID": sent.provider_message_id,
        "Recipient": "recipient@example.com",
        "DeliveredAt": "2026-01-01T10:00:00Z",
        "Metadata": {},
    }
    response = client.post(
        POSTMARK, json.dumps(payload), content_type="application/json", **_auth()
    )
    assert response.status_code == 200
    assert _delivery(sent) == Redemption.Delivery.DELIVERED
