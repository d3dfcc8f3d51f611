"""Over SMTP a batch's alike emails are filled into a message built once per template: a mail
client sees exactly the message Django would have built for each, and any value that could change
how that message is encoded (or smuggle in a header) takes Django's own path."""

from email import message_from_bytes, policy
from unittest import mock

import pytest
from django.conf import settings
from django.core.mail import BadHeaderError, get_connection
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME
from django.utils.html import escape

from imports.bulk import RecipientRow, bulk_email_redemptions
from notifications import emails, sending
from notifications.emails import Rendered
from notifications.models import OutboundEmail
from notifications.sending import Sender
from notifications.tasks import send_emails
from seats.models import Redemption
from tests.notifications.backends import RecordingSMTPBackend

ADDRESSES = ["r0@example.com", "o'neil&co@example.com", "first.last+seats@mail.example.org"]


@pytest.fixture
def smtp(settings):
    """Django's SMTP backend, over a connection that records what the server receives."""
    settings.EMAIL_BACKEND = "tests.notifications.backends.RecordingSMTPBackend"
    RecordingSMTPBackend.sent, RecordingSMTPBackend.refused = [], {}
    return RecordingSMTPBackend


def as_a_mail_client_sees_it(raw: bytes) -> tuple:
    """Every header but those unique to each message (Date, Message-ID, the MIME boundary), and
    each part's type, encoding and content."""
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Date"] and message["Message-ID"]
    headers = [
        (name, str(value))
        for name, value in message.items()
        if name not in ("Date", "Message-ID", "Content-Type")
    ]
    parts = [
        (part.get_content_type(), part["Content-Transfer-Encoding"], part.get_content())
        for part in message.iter_parts()
    ]
    return message.get_content_type(), headers, parts


def django_would_send(email: OutboundEmail) -> bytes:
    return emails.build_message(email).message().as_bytes(linesep="\r\n")


def test_a_batch_sends_what_django_would_build_for_each_email_built_once(order, agent, smtp):
    rows = [RecipientRow(row=n + 2, email=email) for n, email in enumerate(ADDRESSES)]
    bulk_email_redemptions(order=order, actor=agent, rows=rows)
    outbox = list(OutboundEmail.objects.order_by("pk"))

    with mock.patch.object(sending, "message_of", wraps=sending.message_of) as built:
        assert send_emails.apply(args=[[email.pk for email in outbox]]).get() == 3
    assert built.call_count == 1  # for the first email, to prove the template's skeleton

    assert [(sender, to) for sender, to, _ in smtp.sent] == [
        (sanitize_address(settings.DEFAULT_FROM_EMAIL, "utf-8"), [email]) for email in ADDRESSES
    ]
    for email, (_, _, raw) in zip(outbox, smtp.sent, strict=True):
        assert as_a_mail_client_sees_it(raw) == as_a_mail_client_sees_it(django_would_send(email))
        assert f"X-Seatstore-Email: {email.pk}\r\n".encode() in raw
    parsed = [message_from_bytes(raw, policy=policy.default) for _, _, raw in smtp.sent]
    assert len({message["Message-ID"] for message in parsed}) == 3
    assert len({message.get_boundary() for message in parsed}) == 3
    assert set(Redemption.objects.values_list("delivery_status", flat=True)) == {"sent"}


def test_a_refused_recipient_fails_alone(order, agent, smtp):
    rows = [RecipientRow(row=n + 2, email=email) for n, email in enumerate(ADDRESSES)]
    bulk_email_redemptions(order=order, actor=agent, rows=rows)
    smtp.refused = {ADDRESSES[1]: (550, b"5.1.1 No such mailbox")}
    outbox = list(OutboundEmail.objects.order_by("pk"))

    assert send_emails.apply(args=[[email.pk for email in outbox]]).get() == 2
    statuses = dict(OutboundEmail.objects.values_list("to_email", "status"))
    assert statuses == {ADDRESSES[0]: "sent", ADDRESSES[1]: "failed", ADDRESSES[2]: "sent"}
    assert "No such mailbox" in OutboundEmail.objects.get(to_email=ADDRESSES[1]).last_error
    links = dict(Redemption.objects.values_list("recipient_email", "delivery_status"))
    assert links == {ADDRESSES[0]: "sent", ADDRESSES[1]: "failed", ADDRESSES[2]: "sent"}


# A template of our own, to reach every case.

TEXT = "Hello @@personal.name@@,\nyour link: @@personal.link@@\n"
HTML = '<p>Hello @@personal.name@@,</p>\n<a href="@@personal.link@@">your link</a>\n'
LINK = "https://seats.example.com/redeem/0123abcd/?a=1&b=2"


class OneTemplate:
    """A renderer whose emails all share one template, with the personal values given."""

    def __init__(self, subject="Your seat", text=TEXT, html=HTML, headers=None):
        self.template = (subject, text, html, headers or {})
        self.personal: dict[int, dict] = {}

    def rendered(self, email: OutboundEmail) -> Rendered:
        subject, text, html, headers = self.template
        return Rendered(
            key=("one",),
            subject=subject,
            text=text,
            html=html,
            personal=self.personal[email.pk],
            headers=headers,
        )


def send(renderer: OneTemplate, to: str, **personal) -> tuple[bytes, bool]:
    """(what the server received, whether it was filled into the skeleton) for one email, sent
    after another that fits the skeleton."""
    first = OutboundEmail(pk=11, to_email="first@example.com", kind="test")
    email = OutboundEmail(pk=12, to_email=to, kind="test")
    renderer.personal = {11: {"name": "Sam", "link": LINK}, 12: {"name": "Sam", "link": LINK}}
    renderer.personal[12] |= personal
    with (
        RecordingSMTPBackend() as connection,
        mock.patch.object(sending, "message_of", wraps=sending.message_of) as built,
    ):
        sender = Sender(connection, renderer)
        sender.send(first)
        built.reset_mock()
        sender.send(email)
    _, recipients, raw = RecordingSMTPBackend.sent[-1]
    assert recipients == [sanitize_address(to, "utf-8")]
    expected = emails.build_message(email, renderer=renderer).message()
    assert as_a_mail_client_sees_it(raw) == as_a_mail_client_sees_it(
        expected.as_bytes(linesep="\r\n")
    )
    return raw, not built.called


@pytest.mark.parametrize(
    "headers",
    [{}, {"List-Unsubscribe": "<https://seats.example.com/u/x/>", "List-Unsubscribe-Post": "x"}],
)
@pytest.mark.parametrize("subject", ["Your seat", "Ta place à « Python » " * 5])
@pytest.mark.parametrize("text", [TEXT, "Grüße, @@personal.name@@\n@@personal.link@@\n"])
def test_plain_values_are_filled_into_the_skeleton(smtp, subject, text, headers):
    renderer = OneTemplate(subject=subject, text=text, headers=headers)
    name = "O'Neil & <Co>"
    raw, fast = send(renderer, "plain.address+tag@example.com", name=name)
    assert fast
    assert escape(name).encode() in raw and name.encode() in raw
    for name, value in headers.items():
        assert f"{name}: {value}\r\n".encode() in raw


@pytest.mark.parametrize(
    "name",
    [
        "Sam\r\nBcc: evil@example.com",
        "Sam\nX-Injected: yes",
        "Sam\rX-Injected: yes",
        "Zoë",
        "Sam\x00",
        "Sam\t",
        "x" * 1000,  # a line past 998 characters: quoted-printable
        "@@personal.link@@",
        "@@slot.to@@",
    ],
)
def test_values_that_could_change_the_message_take_djangos_path(smtp, name):
    raw, fast = send(OneTemplate(), "r@example.com", name=name)
    assert not fast
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert b"Bcc" not in headers and b"X-Injected" not in headers


@pytest.mark.parametrize(
    "address",
    [
        "=?utf-8?q?evil?=@example.com",
        '"quoted local"@example.com',
        "a..b@example.com",
        "x" * 70 + "@example.com",  # long enough to be folded
        "user@localhost",
        "user@[127.0.0.1]",
    ],
)
def test_addresses_that_are_not_plain_take_djangos_path(smtp, address):
    _, fast = send(OneTemplate(), address)
    assert not fast


@pytest.mark.parametrize(
    "address", ["evil@example.com\r\nBcc: x@example.com", "evil@example.com\nBcc: x@example.com"]
)
def test_an_address_that_smuggles_a_header_is_refused_and_nothing_sent(smtp, address):
    with pytest.raises((BadHeaderError, ValueError)):
        send(OneTemplate(), address)
    assert len(smtp.sent) == 1  # only the email that proved the skeleton


@pytest.mark.parametrize("address", [*ADDRESSES, "a-b_c.d~e{f}@x-y.example.co.uk", "1@2.io"])
def test_a_plain_address_is_its_own_envelope_and_to_header(address):
    assert sending._plain_address(address)
    assert sanitize_address(address, "utf-8") == address


def test_a_template_with_a_long_line_is_built_by_django_every_time(smtp):
    renderer = OneTemplate(text="y" * 1200 + "\n@@personal.link@@\n")
    _, fast = send(renderer, "r@example.com")
    assert not fast


def test_other_backends_build_every_message_as_before(settings, mailoutbox):
    email = OutboundEmail(pk=12, to_email="r@example.com", kind="test")
    renderer = OneTemplate()
    renderer.personal[12] = {"name": "Sam", "link": LINK}
    with (
        get_connection() as connection,
        mock.patch.object(sending, "message_of", wraps=sending.message_of) as built,
    ):
        Sender(connection, renderer).send(email)
    assert built.call_count == 1
    assert len(mailoutbox) == 1
    assert "Message-ID" not in mailoutbox[0].extra_headers  # the provider makes its own


def test_a_long_host_name_folds_every_message_id_alike(smtp):
    host = "ip-10-0-0-1.eu-west-1.compute.internal.seats.example.com"
    with mock.patch.object(DNS_NAME, "_fqdn", host, create=True):
        raw, fast = send(OneTemplate(), "r@example.com")
    assert fast
    assert b"Message-ID: \r\n <" in raw
    assert message_from_bytes(raw, policy=policy.default)["Message-ID"].endswith(f"@{host}>")
