"""Making, finding and revoking API keys. A key reads ``ssk_<prefix>_<secret>``: the prefix finds
the row, the secret (256 bits) is checked against its SHA-256 in constant time. A hash without a
salt is enough for a random secret of this size; a slow password hash would cost every request."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from seats.access import is_store_admin

from .models import ApiKey

SCHEME = "ssk"
USED_EVERY_SECONDS = 60


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(*, user, name: str, store_wide: bool = False) -> tuple[ApiKey, str]:
    """A new key and its full text, which is shown once and never stored."""
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        user=user, name=name, prefix=prefix, secret_hash=hash_secret(secret), store_wide=store_wide
    )
    return key, f"{SCHEME}_{prefix}_{secret}"


def revoke_key(*, key: ApiKey) -> None:
    with transaction.atomic():
        ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def find_key(text: str) -> ApiKey | None:
    """The live key whose full text this is, with its user; None for anything else."""
    scheme, _, rest = text.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != SCHEME or not prefix or not secret:
        return None
    key = (
        ApiKey.objects.select_related("user").filter(prefix=prefix, revoked_at__isnull=True).first()
    )
    if key is None or not constant_time_compare(key.secret_hash, hash_secret(secret)):
        return None
    if not key.user.is_active or (key.store_wide and not is_store_admin(key.user)):
        return None
    return key


def note_use(key: ApiKey) -> None:
    """Record when the key was last used, at most once a minute: not a write per request."""
    now = timezone.now()
    if key.last_used_at and (now - key.last_used_at).total_seconds() < USED_EVERY_SECONDS:
        return
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    key.last_used_at = now
