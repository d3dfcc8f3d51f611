"""Email backends that misbehave on purpose, named in settings.EMAIL_BACKEND by the tests."""

from anymail.exceptions import AnymailRecipientsRefused
from django.core.mail.backends.locmem import EmailBackend


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
