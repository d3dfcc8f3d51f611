"""Reading the emails a test caused, from the outbox, as they would be sent now."""

import re

from notifications import emails
from notifications.models import OutboundEmail

SITE = "http://testserver"


def latest(to: str, kind: str = "") -> OutboundEmail:
    rows = OutboundEmail.objects.filter(to_email=to)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.latest("pk")


def text_of(email: OutboundEmail) -> str:
    return emails.render(email)[1]


def link_in(text: str, path_prefix: str) -> str:
    """The path of the first link in ``text`` under ``path_prefix``."""
    match = re.search(rf"{re.escape(SITE)}({re.escape(path_prefix)}[^\s\"<]*)", text)
    assert match, f"no link to {path_prefix} in:\n{text}"
    return match.group(1)


def confirmation_path(to: str) -> str:
    return link_in(text_of(latest(to, "email_confirmation")), "/account/confirm-email/")
