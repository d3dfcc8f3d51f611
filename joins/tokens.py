"""Tokens of join links and request links, made as redemption tokens are (docs/decisions/0001):
an HMAC keyed by SECRET_KEY of a stored random nonce; only the token's SHA-256 finds the row."""

from django.utils.crypto import salted_hmac

from seats.tokens import hash_token, new_nonce

__all__ = ["hash_token", "new_token", "token_for"]

_SALT = "seatstore.joins.link"


def token_for(nonce: str) -> str:
    return salted_hmac(_SALT, nonce, algorithm="sha256").hexdigest()


def new_token() -> tuple[str, str]:
    """(nonce, hash of its token): what a new link row keeps."""
    nonce = new_nonce()
    return nonce, hash_token(token_for(nonce))
