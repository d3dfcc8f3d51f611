"""Email backends that misbehave on purpose, named in settings.EMAIL_BACKEND by the tests."""

import smtplib

from anymail.exceptions import AnymailRecipientsRefused
from django.core.mail.backends.locmem import EmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend


class FlakyBackend(EmailBackend):
    """Fails ``failures`` times with a connection error, then delivers to mail.outbox."""

    failures = 1
    calls = 0

    def send_messages(self, messages):
        FlakyBackend.calls += 1
        if FlakyBackend.calls <= FlakyBackend.failures:
            raise ConnectionError("provider unreachable")
        return super().send_messages(messages)


class RefusingBackend(EmailBackend):
    """The provider refuses the recipient, as Anymail reports it."""

    def send_messages(self, messages):
        raise AnymailRecipientsRefused("recipient refused")


class RecordingSMTPConnection:
    """Stands in for ``smtplib.SMTP``: keeps what it is given, refuses the addresses in
    ``refused`` as a mail server does."""

    def __init__(self, refused: dict[str, tuple[int, bytes]]):
        self.sent: list[tuple[str, list[str], bytes]] = []
        self.refused = refused

    def sendmail(self, from_addr, to_addrs, msg):
        if refusals := {to: self.refused[to] for to in to_addrs if to in self.refused}:
            raise smtplib.SMTPRecipientsRefused(refusals)
        self.sent.append((from_addr, list(to_addrs), msg))

    def quit(self):
        pass

    def close(self):
        pass


class RecordingSMTPBackend(SMTPBackend):
    """Django's SMTP backend over a ``RecordingSMTPConnection``: what a mail server receives,
    byte for byte. ``sent`` and ``refused`` are shared by every instance (tasks open their own)."""

    sent: list[tuple[str, list[str], bytes]] = []
    refused: dict[str, tuple[int, bytes]] = {}

    def open(self):
        if self.connection:
            return False
        self.connection = RecordingSMTPConnection(RecordingSMTPBackend.refused)
        self.connection.sent = RecordingSMTPBackend.sent
        return True
