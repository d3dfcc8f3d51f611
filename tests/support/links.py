"""Redemption links as a recipient meets them: in an email, opened in a browser."""

import re

from django.urls import reverse

from seats.tokens import token_for

RECIPIENT = "recipient@example.com"  # whom the ``redemption`` fixture's link is emailed to
LINK = re.compile(r"https?://[^/\s]+(/redeem/[0-9a-f]{64}/)")


def link_path(redemption) -> str:
    """The path of the link emailed for a redemption, as the email builds it."""
    return reverse("redeem", args=[token_for(redemption.token_nonce)])


def link_in(text: str) -> str:
    """The redemption link's path found in an email body."""
    match = LINK.search(text)
    assert match, f"no redemption link in {text!r}"
    return match.group(1)


def open_link(client, path: str) -> str:
    """Open an emailed link as a browser would; returns the page it continues on."""
    response = client.get(path)
    assert response.status_code == 302, response.status_code
    assert response["Referrer-Policy"] == "no-referrer"
    return response["Location"]
