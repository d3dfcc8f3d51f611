"""Provider tracking webhooks, signed and posted to the configured provider's endpoint, update the
outbox row and the redemption's delivery status the agent sees; without credentials, to another
provider's address, or with a body that cannot be read, they change nothing."""

import base64
import hashlib
import hmac
import json
import secrets
import time

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from notifications.emails import METADATA_KEY
from notifications.models import OutboundEmail
from notifications.tasks import send_emails
from notifications.webhooks import check_tracking_webhook
from seats.models import Redemption

SIGNING_KEY = "mailgun-signing-key"
BASIC_AUTH = "hook:s3cret"
MAILGUN = "/webhooks/anymail/mailgun/tracking/"
POSTMARK = "/webhooks/anymail/postmark/tracking/"


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": BASIC_AUTH, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.EMAIL_TRACKING_PROVIDER = "mailgun"


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


def signed(event_data, *, key=SIGNING_KEY) -> dict:
    """A Mailgun post's body: the event and the signature block that vouches for it."""
    timestamp, token = str(int(time.time())), secrets.token_hex(25)
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature.hexdigest()},
        "event-data": event_data,
    }


def post_json(client, url, payload, credentials=BASIC_AUTH):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(url, body, content_type="application/json", **_auth(credentials))


def mailgun(client, event, *, message_id="", metadata=None, key=SIGNING_KEY, **extra):
    event_data = {
        "event": event,
        "timestamp": time.time(),
        "recipient": "recipient@example.com",
        "message": {"headers": {"message-id": message_id}},
        "user-variables": metadata or {},
        **extra,
    }
    return post_json(client, MAILGUN, signed(event_data, key=key))


def postmark_delivery(message_id):
    return {
        "RecordType": "Delivery",
        "MessageID": message_id,
        "Recipient": "recipient@example.com",
        "DeliveredAt": "2026-01-01T10:00:00Z",
        "Metadata": {},
    }


def _delivery(email):
    return Redemption.objects.get(pk=email.context["redemption_id"]).delivery_status


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


def test_wrong_basic_auth_is_refused(client, sent, settings):
    settings.EMAIL_TRACKING_PROVIDER = "postmark"
    payload = {"RecordType": "Delivery", "MessageID": sent.provider_message_id}
    response = post_json(client, POSTMARK, payload, credentials="hook:wrong")
    assert response.status_code == 400
    assert _delivery(sent) == Redemption.Delivery.SENT


def test_postmark_delivery_is_recorded_too(client, sent, settings):
    settings.EMAIL_TRACKING_PROVIDER = "postmark"
    response = post_json(client, POSTMARK, postmark_delivery(sent.provider_message_id))
    assert response.status_code == 200
    assert _delivery(sent) == Redemption.Delivery.DELIVERED


# --- Credentials -------------------------------------------------------------------------------

BOUNCE = {"RecordType": "Bounce", "Type": "HardBounce", "Description": "forged", "Metadata": {}}


@pytest.mark.parametrize("esp", ["postmark", "mailgun"])
def test_without_a_webhook_secret_every_post_is_refused(client, sent, settings, esp):
    settings.EMAIL_TRACKING_PROVIDER = esp
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    bounce = {
        "postmark": {**BOUNCE, "MessageID": sent.provider_message_id},
        "mailgun": signed({"event": "failed", "user-variables": {METADATA_KEY: str(sent.pk)}}),
    }[esp]
    anonymous = client.post(
        f"/webhooks/anymail/{esp}/tracking/", json.dumps(bounce), content_type="application/json"
    )
    assert anonymous.status_code == 403
    assert post_json(client, f"/webhooks/anymail/{esp}/tracking/", bounce).status_code == 403
    assert _delivery(sent) == Redemption.Delivery.SENT
    sent.refresh_from_db()
    assert (sent.status, sent.last_error) == (OutboundEmail.Status.SENT, "")


def test_a_provider_without_its_signing_key_refuses_posts(client, sent, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": BASIC_AUTH}
    response = mailgun(client, "failed", metadata={METADATA_KEY: str(sent.pk)})
    assert response.status_code == 403
    assert _delivery(sent) == Redemption.Delivery.SENT


@pytest.mark.parametrize(
    ("anymail", "problem"),
    [
        ({"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}, "ANYMAIL_WEBHOOK_SECRET is not set"),
        ({"WEBHOOK_SECRET": BASIC_AUTH}, "MAILGUN_WEBHOOK_SIGNING_KEY"),
    ],
)
def test_deploy_check_says_delivery_events_are_refused(settings, anymail, problem):
    settings.ANYMAIL = anymail
    with pytest.raises(SystemCheckError) as refused:
        call_command("check", "--deploy", "--fail-level", "WARNING")
    assert "notifications.W001" in str(refused.value)
    assert problem in str(refused.value)


def test_deploy_check_is_quiet_with_credentials_or_without_a_provider(settings):
    assert check_tracking_webhook() == []
    settings.ANYMAIL = {}
    settings.EMAIL_TRACKING_PROVIDER = ""  # SMTP: no webhook, nothing to secure
    assert check_tracking_webhook() == []


# --- Only the configured provider ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "url"),
    [
        ("mailgun", POSTMARK),
        ("mailgun", "/webhooks/anymail/sendgrid/tracking/"),
        ("mailgun", "/webhooks/anymail/mailgun/inbound/"),
        ("mailgun", "/webhooks/anymail/postmark/inbound/"),
        ("", MAILGUN),
        ("test", "/webhooks/anymail/test/tracking/"),
    ],
)
def test_only_the_configured_providers_tracking_endpoint_exists(
    client, sent, settings, provider, url
):
    settings.EMAIL_TRACKING_PROVIDER = provider
    response = post_json(client, url, {**BOUNCE, "MessageID": sent.provider_message_id})
    assert response.status_code == 404
    assert _delivery(sent) == Redemption.Delivery.SENT


# --- Bodies that cannot be read ------------------------------------------------------------------

EVENT = {"event": "failed", "timestamp": 1767225600.0, "message": {"headers": {}}}
UNREADABLE_MAILGUN = {
    "an array": [],
    "null": None,
    "a number": 5,
    "a signature list": {"signature": [], "event-data": EVENT},
    "a non-ascii token": {
        "signature": {"timestamp": "1", "token": "\u00e9", "signature": "x"},
        "event-data": EVENT,
    },
    "no event data": signed(None),
    "event data a list": signed([]),
    "event data a string": signed("failed"),
    "no event": signed({"timestamp": 1767225600.0}),
    "an event list": signed({**EVENT, "event": ["failed"]}),
    "a timestamp word": signed({**EVENT, "timestamp": "soon"}),
    "a message string": signed({**EVENT, "message": "hello"}),
    "headers a list": signed({**EVENT, "message": {"headers": []}}),
    "a numeric message id": signed({**EVENT, "message": {"headers": {"message-id": 5}}}),
}
UNREADABLE_POSTMARK = {
    "an array": [],
    "null": None,
    "a string": "Bounce",
    "a record type list": {"RecordType": ["Bounce"]},
}
UNREADABLE = {
    **{
        f"mailgun: {name}": ("mailgun", json.dumps(body))
        for name, body in UNREADABLE_MAILGUN.items()
    },
    **{
        f"postmark: {name}": ("postmark", json.dumps(body))
        for name, body in UNREADABLE_POSTMARK.items()
    },
    "mailgun: not JSON": ("mailgun", "bounced!"),
    "postmark: empty": ("postmark", ""),
    "postmark: not JSON": ("postmark", "bounced!"),
}


@pytest.mark.parametrize(("esp", "body"), UNREADABLE.values(), ids=UNREADABLE.keys())
def test_a_body_that_cannot_be_read_is_a_bad_request(client, sent, settings, esp, body):
    settings.EMAIL_TRACKING_PROVIDER = esp
    response = post_json(client, f"/webhooks/anymail/{esp}/tracking/", body)
    assert response.status_code == 400
    assert _delivery(sent) == Redemption.Delivery.SENT


ODD = {
    f"mailgun: metadata {name}": ("mailgun", signed({**EVENT, "user-variables": metadata}))
    for name, metadata in {
        "a list": [],
        "a string": "12",
        "an id past any row's": {METADATA_KEY: "9" * 30},
        "an id list": {METADATA_KEY: ["1"]},
        "a negative id": {METADATA_KEY: "-1"},
    }.items()
} | {
    "postmark: a bounce without its fields": ("postmark", {"RecordType": "Bounce"}),
    "postmark: a delivery dated yesterday": (
        "postmark",
        {"RecordType": "Delivery", "MessageID": ["x"], "DeliveredAt": "yesterday"},
    ),
}


@pytest.mark.parametrize(("esp", "body"), ODD.values(), ids=ODD.keys())
def test_odd_values_in_an_authentic_post_find_nothing(client, sent, settings, esp, body):
    settings.EMAIL_TRACKING_PROVIDER = esp
    response = post_json(client, f"/webhooks/anymail/{esp}/tracking/", body)
    assert response.status_code == 200
    assert _delivery(sent) == Redemption.Delivery.SENT
    sent.refresh_from_db()
    assert sent.status == OutboundEmail.Status.SENT
