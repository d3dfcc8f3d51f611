"""One function per email: each turns an outbox row into (subject, template, context). Emails are
rendered when they are sent, from the current data, from a ``.txt`` and ``.html`` template pair."""

import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.html import escape
from django.utils.http import urlsafe_base64_encode

from .models import OutboundEmail

METADATA_KEY = "seatstore_email_id"


@dataclass(frozen=True)
class Content:
    subject: str
    template: str
    context: dict
    personal: dict = field(default_factory=dict)
    """What differs between the recipients of otherwise identical emails (a bulk action's links
    and addresses): rendered as placeholders, so a batch renders each distinct email once."""


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def redemption_url(redemption) -> str:
    from seats.tokens import token_for

    return absolute(reverse("redeem", args=[token_for(redemption.token_nonce)]))


RENDERING = (
    "redemption__seat__order_line__product",
    "redemption__seat__order__store",
    "redemption__created_by",
)
"""What ``OutboundEmail.objects.select_related(*RENDERING)`` brings along, so that a batch of
redemption emails renders without a query per email."""


def _redemption_context(email: OutboundEmail) -> dict:
    redemption = email.redemption
    seat = redemption.seat
    return {
        "product": seat.order_line.product,
        "store": seat.order.store,
        "sender": redemption.created_by,
        "message": redemption.message,
        "expires_at": redemption.expires_at,
    }


def _redemption_content(email: OutboundEmail, subject: str, **flags) -> Content:
    redemption = email.redemption
    personal = {"link": redemption_url(redemption), "recipient_email": redemption.recipient_email}
    return Content(subject, "emails/redemption_link", _redemption_context(email) | flags, personal)


def redemption_link(email: OutboundEmail) -> Content:
    redemption = email.redemption
    product = redemption.seat.order_line.product
    subject = f"{redemption.created_by.display_name} sent you a seat in {product}"
    return _redemption_content(email, subject)


def redemption_resend(email: OutboundEmail) -> Content:
    product = email.redemption.seat.order_line.product
    return _redemption_content(email, f"Your new link for {product}", resent=True)


def redemption_reminder(email: OutboundEmail) -> Content:
    product = email.redemption.seat.order_line.product
    return _redemption_content(email, f"Reminder: your seat in {product} is waiting", reminder=True)


def _seat_context(email: OutboundEmail) -> dict:
    from seats.models import Seat

    seat = Seat.objects.select_related(
        "order_line__product", "order__store", "learner", "enrollment"
    ).get(pk=email.context["seat_id"])
    return {
        "seat": seat,
        "product": seat.order_line.product,
        "store": seat.order.store,
        "training_url": seat.enrollment.training_url if seat.enrollment else "",
        "training_page": absolute(reverse("portal:training")),
    }


def assignment_notice(email: OutboundEmail) -> Content:
    context = _seat_context(email)
    return Content(f"You are enrolled in {context['product']}", "emails/assignment_notice", context)


def _account_context(email: OutboundEmail) -> dict:
    """The user and a link to choose a password. The link's token is made now, when the email
    is rendered to be sent, so the outbox row stores only the user's id: the token is derived
    from the password hash and last sign-in, and dies once used."""
    from accounts.models import User

    user = User.objects.get(pk=email.context["user_id"])
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return {
        "user": user,
        "set_password_url": absolute(reverse("password_reset_confirm", args=[uid, token])),
        "support_email": settings.SUPPORT_EMAIL,
    }


def invitation(email: OutboundEmail) -> Content:
    context = _seat_context(email) | _account_context(email)
    subject = f"You have been enrolled in {context['product']}: set up your account"
    return Content(subject, "emails/invitation", context)


def password_reset(email: OutboundEmail) -> Content:
    return Content(
        "Reset your Seatstore password", "emails/password_reset", _account_context(email)
    )


def account_setup(email: OutboundEmail) -> Content:
    """An invited learner who never chose a password asked for a link again."""
    return Content("Set up your Seatstore account", "emails/account_setup", _account_context(email))


def _return_context(email: OutboundEmail) -> dict:
    from seats.models import ReturnRequest

    request = ReturnRequest.objects.select_related(
        "seat__order",
        "seat__order__store",
        "seat__order_line__product",
        "seat__learner",
        "requested_by",
        "refund",
    ).get(pk=email.context["return_request_id"])
    return {
        "request": request,
        "seat": request.seat,
        "product": request.seat.order_line.product,
        "store": request.seat.order.store,
        "order_url": absolute(reverse("portal:order", args=[request.seat.order_id])),
    }


def return_requested(email: OutboundEmail) -> Content:
    context = _return_context(email)
    subject = f"Return requested: seat {context['seat'].pk} of {context['seat'].order}"
    return Content(subject, "emails/return_requested", context)


def return_decided(email: OutboundEmail) -> Content:
    context = _return_context(email)
    decision = context["request"].get_state_display().lower()
    subject = f"Your return request for {context['product']} was {decision}"
    return Content(subject, "emails/return_decided", context)


BUILDERS = {
    OutboundEmail.Kind.REDEMPTION_LINK: redemption_link,
    OutboundEmail.Kind.REDEMPTION_RESEND: redemption_resend,
    OutboundEmail.Kind.REDEMPTION_REMINDER: redemption_reminder,
    OutboundEmail.Kind.ASSIGNMENT_NOTICE: assignment_notice,
    OutboundEmail.Kind.INVITATION: invitation,
    OutboundEmail.Kind.RETURN_REQUESTED: return_requested,
    OutboundEmail.Kind.RETURN_DECIDED: return_decided,
    OutboundEmail.Kind.PASSWORD_RESET: password_reset,
    OutboundEmail.Kind.ACCOUNT_SETUP: account_setup,
}


def subject_of(email: OutboundEmail) -> str:
    return BUILDERS[email.kind](email).subject


class Renderer:
    """Renders outbox rows as they would be sent now: (subject, text, html). A batch uses one,
    so the 5,000 emails of a bulk action, alike but for their links and addresses, are rendered
    once and personalised by substitution."""

    def __init__(self):
        self._rendered: dict[tuple, tuple[str, str]] = {}

    def render(self, email: OutboundEmail) -> tuple[str, str, str]:
        content = BUILDERS[email.kind](email)
        key = (content.template, *sorted(content.context.items()), *sorted(content.personal))
        if key not in self._rendered:
            self._rendered[key] = _render_with_placeholders(content)
        text, html = self._rendered[key]
        for name, value in content.personal.items():
            text = text.replace(_placeholder(name), value)
            html = html.replace(_placeholder(name), escape(value))
        return content.subject, text, html


def _placeholder(name: str) -> str:
    return f"@@personal.{name}@@"


def _render_with_placeholders(content: Content) -> tuple[str, str]:
    placeholders = {name: _placeholder(name) for name in content.personal}
    context = content.context | placeholders | {"site_url": settings.SITE_URL}
    text = render_to_string(f"{content.template}.txt", context)
    html = render_to_string(f"{content.template}.html", context)
    return text, html


def render(email: OutboundEmail) -> tuple[str, str, str]:
    """(subject, text, html) of one outbox row, as it would be sent now."""
    return Renderer().render(email)


def obsolete_reason(email: OutboundEmail) -> str:
    """Why an email should no longer go out, or "". A link that was cancelled, replaced, used or
    expired before its email left (say the broker was down meanwhile) would only lead to a dead
    page, and the email of its replacement is on its way."""
    if email.redemption_id is None or email.redemption.is_live:
        return ""
    return "Not sent: the link stopped working before the email went out."


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
    """The message for an outbox row. Its id travels as Anymail metadata, so the provider's
    tracking webhooks name the row even if they arrive before the provider's message id is
    saved."""
    subject, text, html = (renderer or Renderer()).render(email)
    message = OutboxMessage(
        subject=subject,
        body=text,
        to=[email.to_email],
        connection=connection,
        headers={"X-Seatstore-Email": str(email.pk)},
    )
    message.attach_alternative(html, "text/html")
    message.metadata = {METADATA_KEY: str(email.pk)}
    return message
