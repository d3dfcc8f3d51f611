"""Redemption link tokens (docs/decisions/0001).

A token is an HMAC, keyed by SECRET_KEY, of a random 256-bit nonce. The database keeps the nonce
and the SHA-256 of the token: the hash finds the link, the nonce lets a reminder re-send the same
link, and neither reveals a working link without the secret.
"""

import hashlib
import secrets

from django.utils.crypto import salted_hmac

_SALT = "seatstore.seats.redemption-link"


def new_nonce() -> str:
    return secrets.token_hex(32)


def token_for(nonce: str) -> str:
    return salted_hmac(_SALT, nonce, algorithm="sha256").hexdigest()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
