"""How a batch's emails leave (docs/decisions/0003).

Over Django's own SMTP backend, the emails of one template in a batch differ only in their
address, their outbox id, their ``Content.personal`` values (a link, an address), their Date,
Message-ID and MIME boundary. Building each with Django's ``EmailMessage`` and the standard
library's generator was a third of a worker's time, so a batch builds the message's bytes once
per template with placeholders in those places (a ``Skeleton``), fills them in for each email and
hands the bytes to the SMTP connection, as Django's backend would.

A skeleton is used only once it has proved itself: filled in for the first email of its
template, it must equal byte for byte the message Django builds for that email. A value is filled
in only where that cannot change how Django would have encoded the message: printable ASCII,
nothing that ends a line, an address made of the plainest characters, header lines short enough
never to be folded, body lines short enough never to need quoted-printable. Any other email, and
every email over another backend (Anymail's providers, the file and memory backends), is built
and sent the normal way.
"""

import logging
import re
import secrets
from email.utils import formatdate

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import EmailMultiAlternatives, sanitize_address
from django.core.mail.utils import DNS_NAME
from django.utils.html import escape

from .emails import ID_HEADER, Rendered, Renderer, message_of, placeholder
from .models import OutboundEmail

logger = logging.getLogger(__name__)

LINE_LIMIT = 998
"""RFC 5322's limit on a line, past which Django encodes a body as quoted-printable."""
HEADER_FOLD_WIDTH = 78
"""Where the standard library's generator starts folding a header line."""
_VALUE = re.compile(r"[\x20-\x7e]{0,500}")
"""A personal value that can go into either body as it is: printable ASCII, no line break."""
_ATEXT = r"[A-Za-z0-9!#$%&'*+/^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@{_LABEL}(?:\.{_LABEL})+")
"""An address Django would put in the To header and the envelope as it is: a dot-atom without
``=`` or ``?`` (which could start an encoded word), an ASCII domain."""
_TOKEN = "%" * 32
"""Where the random part of the Message-ID goes (``new_message_id``)."""
_BOUNDARY = f"=_{'@' * 32}"
"""Where the MIME boundary goes. Both are as long as what replaces them, so that their header
lines fold as they will in each message."""


def new_message_id() -> str:
    """A unique Message-ID (128 random bits) as long as every other, so that its header line
    folds alike in every message filled into a skeleton (Django's vary in length)."""
    return f"<{secrets.token_hex(16)}@{DNS_NAME}>"


def _slot(name: str) -> str:
    return f"@@slot.{name}@@"


def _html_slot(name: str) -> str:
    return f"{placeholder(name)}html@@"


class Skeleton:
    """The bytes of one template's message, with slots for what differs between its emails."""

    def __init__(self, rendered: Rendered):
        message = EmailMultiAlternatives(
            subject=rendered.subject,
            body=rendered.text,
            to=[_slot("to")],
            headers={
                "Date": _slot("date"),
                "Message-ID": f"<{_TOKEN}@{DNS_NAME}>",
                **rendered.headers,
                ID_HEADER: _slot("id"),
            },
        )
        html = rendered.html
        for name in rendered.personal:
            html = html.replace(placeholder(name), _html_slot(name))
        message.attach_alternative(html, "text/html")
        mime = message.message()
        mime.set_boundary(_BOUNDARY)
        self.encoded_as_is = all(
            part["Content-Transfer-Encoding"] in ("7bit", "8bit")
            for part in mime.walk()
            if not part.is_multipart()
        )
        slots = [_slot("to"), _slot("date"), _slot("id"), _TOKEN, _BOUNDARY]
        for name in rendered.personal:
            slots += [placeholder(name), _html_slot(name)]
        pattern = "|".join(re.escape(slot) for slot in sorted(slots, key=len, reverse=True))
        parts = re.split(f"({pattern})".encode(), mime.as_bytes(linesep="\r\n"))
        self._literals = parts[::2]
        self._slots = [slot.decode() for slot in parts[1::2]]

    @classmethod
    def proven(cls, email: OutboundEmail, rendered: Rendered) -> "Skeleton | None":
        """The skeleton of ``rendered``'s template, if filled in for ``email`` it is the message
        Django builds for it."""
        skeleton = cls(rendered)
        if not skeleton.encoded_as_is:
            return None
        expected = message_of(email, rendered, message_id=new_message_id()).message()
        filled = skeleton.fill(
            email,
            rendered.personal,
            date=expected["Date"],
            message_token=expected["Message-ID"][1:33],
            boundary=expected.get_boundary(),
        )
        if filled != expected.as_bytes(linesep="\r\n"):
            logger.info("Emails like %s are built one by one: their skeleton differs", email.pk)
            return None
        return skeleton

    def fill(
        self,
        email: OutboundEmail,
        personal: dict,
        *,
        date: str | None = None,
        message_token: str | None = None,
        boundary: str | None = None,
    ) -> bytes | None:
        """The message for ``email``, or None if one of its values could make Django encode it
        differently. Date, Message-ID and boundary are new unless given."""
        if not _plain_address(email.to_email):
            return None
        if not all(_VALUE.fullmatch(value) and "@@" not in value for value in personal.values()):
            return None
        values = {
            _slot("to"): email.to_email,
            _slot("date"): date or formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
            _slot("id"): str(email.pk),
            _TOKEN: message_token or secrets.token_hex(16),
            _BOUNDARY: boundary or f"=_{secrets.token_hex(16)}",
        }
        for name, value in personal.items():
            values[placeholder(name)] = value
            values[_html_slot(name)] = escape(value)
        chunks = self._literals[:1]
        for slot, literal in zip(self._slots, self._literals[1:], strict=True):
            chunks += [values[slot].encode(), literal]
        raw = b"".join(chunks)
        if max(map(len, raw.split(b"\r\n"))) > LINE_LIMIT:
            return None
        return raw


def _plain_address(address: str) -> bool:
    return len(f"To: {address}") <= HEADER_FOLD_WIDTH and _ADDRESS.fullmatch(address) is not None


_UNPROVEN = object()


def sends_as_django_smtp(connection) -> bool:
    """Whether ``connection`` sends as Django's SMTP backend does, raising its errors."""
    backend = type(connection)
    return (
        isinstance(connection, SMTPBackend)
        and backend.send_messages is SMTPBackend.send_messages
        and backend._send is SMTPBackend._send
        and not connection.fail_silently
    )


class Sender:
    """Sends a batch's emails over one open connection, rendered by the batch's renderer."""

    def __init__(self, connection, renderer: Renderer):
        self.connection = connection
        self.renderer = renderer
        self._skeletons: dict[tuple, Skeleton | None] | None = None
        if sends_as_django_smtp(connection):
            self._skeletons = {}
            self._from = sanitize_address(settings.DEFAULT_FROM_EMAIL, settings.DEFAULT_CHARSET)

    def send(self, email: OutboundEmail) -> str:
        """Send ``email``; returns the provider's message id, "" when it gives none. Raises what
        the backend raises."""
        rendered = self.renderer.rendered(email)
        raw = None if self._skeletons is None else self._from_skeleton(email, rendered)
        if raw is None:
            message = message_of(email, rendered, connection=self.connection)
            message.send()
            message_id = getattr(getattr(message, "anymail_status", None), "message_id", None)
            return "" if message_id is None else str(message_id)
        if self.connection.connection is None:
            self.connection.open()
        self.connection.connection.sendmail(self._from, [email.to_email], raw)
        return ""

    def _from_skeleton(self, email: OutboundEmail, rendered: Rendered) -> bytes | None:
        if (skeleton := self._skeletons.get(rendered.key, _UNPROVEN)) is _UNPROVEN:
            skeleton = self._skeletons[rendered.key] = Skeleton.proven(email, rendered)
        return None if skeleton is None else skeleton.fill(email, rendered.personal)
