"""Two-factor sign-in in tests: an authenticator app with a known secret, and its codes."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_totp(user, secret: str = SECRET) -> None:
    """Set up an authenticator app (and recovery codes) for the user, as activating it does."""
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)


def code_at(moment: float, secret: str = SECRET) -> str:
    return format_hotp_value(hotp_value(secret, int(moment) // mfa_settings.TOTP_PERIOD))


def code_now(secret: str = SECRET) -> str:
    return code_at(time.time(), secret)


def recovery_codes(user) -> list[str]:
    from allauth.mfa.models import Authenticator

    instance = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return RecoveryCodes(instance).get_unused_codes()
