"""System checks of the seats app's settings."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

MIN_SECRET_LENGTH = 32


@register(Tags.security, deploy=True)
def campus_callback_secret(app_configs, **kwargs) -> list[Warning]:
    """Without a secret the Campus callback refuses every call, so no progress or result comes
    back from a real LMS and the re-purchase rules never see one."""
    secret = settings.CAMPUS_CALLBACK_SECRET
    if not secret:
        return [
            Warning(
                "CAMPUS_CALLBACK_SECRET is not set: /campus/callback/ refuses every call, so "
                "course progress and results never reach the store.",
                hint="Set it to a long random value shared with Campus (docs/campus.md).",
                id="campus.W001",
            )
        ]
    if len(secret) < MIN_SECRET_LENGTH:
        return [
            Warning(
                f"CAMPUS_CALLBACK_SECRET is shorter than {MIN_SECRET_LENGTH} characters.",
                hint="Use a long random value, e.g. python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'.",
                id="campus.W002",
            )
        ]
    return []
