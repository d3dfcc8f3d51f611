"""Rendering and building messages. Emails are rendered when they are sent, from the current
data, from a ``.txt`` and ``.html`` template pair; what each kind says is its own app's business
(``registry``): one function per email there turns an outbox row into its ``Content``."""

import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.html import escape

from . import registry
from .models import OutboundEmail

METADATA_KEY = "seatstore_email_id"
ID_HEADER = "X-Seatstore-Email"
"""The header that names the outbox row in every message."""


@dataclass(frozen=True)
class Content:
    subject: str
    template: str
    context: dict
    personal: dict = field(default_factory=dict)
    """What differs between the recipients of otherwise identical emails (a bulk action's links
    and addresses): rendered as placeholders, so a batch renders each distinct email once."""
    headers: dict = field(default_factory=dict)
    """Extra message headers (say List-Unsubscribe), added as they are."""


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@dataclass(frozen=True)
class Rendered:
    """An email rendered with placeholders where ``Content.personal`` goes, and the values that
    fill them: alike emails share everything but ``personal`` (and the address)."""

    key: tuple
    """The same for emails whose subject, bodies and headers differ only by ``personal``."""
    subject: str
    text: str
    html: str
    personal: dict
    headers: dict

    def bodies(self) -> tuple[str, str]:
        """(text, html) with the placeholders filled, escaped in HTML."""
        text, html = self.text, self.html
        for name, value in self.personal.items():
            text = text.replace(placeholder(name), value)
            html = html.replace(placeholder(name), escape(value))
        return text, html


class Renderer:
    """Renders outbox rows as they would be sent now: (subject, text, html). A batch uses one:
    what its emails are about is read once per kind for all of them (``registry``), and the 5,000
    emails of a bulk action, alike but for their links and addresses, are rendered once and
    personalised by substitution."""

    def __init__(self, batch: Iterable[OutboundEmail] = ()):
        self._unread: dict[str, list[OutboundEmail]] = defaultdict(list)
        for email in batch:
            self._unread[email.kind].append(email)
        self._about: dict[int, Any] = {}
        self._rendered: dict[tuple, tuple[str, str]] = {}

    def content(self, email: OutboundEmail) -> Content:
        kind = registry.kind(email.kind)
        return kind.render(email, self._about_of(kind, email))

    def obsolete_reason(self, email: OutboundEmail) -> str:
        """Why the email should no longer go out, or "" (``EmailKind.obsolete``)."""
        kind = registry.kind(email.kind)
        return kind.obsolete(self._about_of(kind, email)) if kind.obsolete else ""

    def _about_of(self, kind: registry.EmailKind, email: OutboundEmail) -> Any:
        if email.pk not in self._about:
            unread = self._unread.pop(email.kind, [])
            self._about.update(kind.load(unread if email in unread else [*unread, email]))
        try:
            return self._about[email.pk]
        except KeyError:
            raise ObjectDoesNotExist(
                f"What email {email.pk} ({email.kind}) is about no longer exists."
            ) from None

    def rendered(self, email: OutboundEmail) -> Rendered:
        content = self.content(email)
        key = (content.template, *sorted(content.context.items()), *sorted(content.personal))
        if (bodies := self._rendered.get(key)) is None:
            bodies = self._rendered[key] = _render_with_placeholders(content)
        text, html = bodies
        headers = tuple(content.headers.items())
        return Rendered(
            key=(*key, content.subject, headers),
            subject=content.subject,
            text=text,
            html=html,
            personal=content.personal,
            headers=content.headers,
        )

    def render(self, email: OutboundEmail) -> tuple[str, str, str]:
        rendered = self.rendered(email)
        return rendered.subject, *rendered.bodies()


def placeholder(name: str) -> str:
    return f"@@personal.{name}@@"


def _render_with_placeholders(content: Content) -> tuple[str, str]:
    placeholders = {name: placeholder(name) for name in content.personal}
    context = content.context | placeholders | {"site_url": settings.SITE_URL}
    text = render_to_string(f"{content.template}.txt", context)
    html = render_to_string(f"{content.template}.html", context)
    return text, html


def render(email: OutboundEmail) -> tuple[str, str, str]:
    """(subject, text, html) of one outbox row, as it would be sent now."""
    return Renderer().render(email)


class OutboxMessage(EmailMultiAlternatives):
    """Gives its MIME parts a random 128-bit boundary up front. Left to itself, the standard
    library invents one per message and compiles a regular expression to prove the body does not
    contain it: a quarter of the time a worker spent building each email."""

    def message(self, *args, **kwargs):
        message = super().message(*args, **kwargs)
        if message.is_multipart():
            message.set_boundary(f"=_{secrets.token_hex(16)}")
        return message


def build_message(
    email: OutboundEmail, *, connection=None, renderer: Renderer | None = None
) -> EmailMultiAlternatives:
    """The message for an outbox row."""
    return message_of(email, (renderer or Renderer()).rendered(email), connection=connection)


def message_of(
    email: OutboundEmail, rendered: Rendered, *, connection=None, message_id: str = ""
) -> OutboxMessage:
    """The message for an outbox row as ``rendered``, with ``message_id`` if given (else Django
    or the provider makes one). Its id travels as Anymail metadata, so the provider's tracking
    webhooks name the row even if they arrive before the provider's message id is saved."""
    text, html = rendered.bodies()
    headers = {"Message-ID": message_id} if message_id else {}
    message = OutboxMessage(
        subject=rendered.subject,
        body=text,
        to=[email.to_email],
        connection=connection,
        headers={**headers, **rendered.headers, ID_HEADER: str(email.pk)},
    )
    message.attach_alternative(html, "text/html")
    message.metadata = {METADATA_KEY: str(email.pk)}
    return message
