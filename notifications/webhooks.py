"""The delivery tracking webhook, on guard. Only the provider that sends our email has an endpoint
(``/webhooks/anymail/<esp>/tracking/``); it refuses every post until its credentials are set
(``ANYMAIL_WEBHOOK_SECRET``, and the provider's own key where Anymail needs one), which a system
check reports at startup and in ``check --deploy``; and a body it cannot read is a 400, never a
500. Anymail checks the credentials and reads the events; ``receivers`` records them."""

import logging
from contextlib import contextmanager
from functools import cache

from anymail import urls as anymail_urls
from anymail.exceptions import AnymailWebhookValidationFailure
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

logger = logging.getLogger(__name__)

TRACKING_VIEWS = {
    pattern.name.removesuffix("_tracking_webhook"): pattern.callback.view_class
    for pattern in anymail_urls.urlpatterns
    if pattern.name.endswith("_tracking_webhook")
}
"""Anymail's tracking view of every provider it supports, by the name in its URL."""

SECRET_MISSING = (
    "ANYMAIL_WEBHOOK_SECRET is not set, so anyone could post delivery events; they are refused."
)


def provider() -> str:
    """The provider whose tracking webhook is mounted, or "" for none."""
    esp = settings.EMAIL_TRACKING_PROVIDER
    return esp if esp in TRACKING_VIEWS else ""


def refusal(esp: str) -> str:
    """Why ``esp``'s webhook refuses every post ("" when it accepts authentic ones)."""
    if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
        return SECRET_MISSING
    try:
        TRACKING_VIEWS[esp]()  # Anymail reads its settings here and names what is missing
    except ImproperlyConfigured as error:
        return f"{error}; delivery events are refused."
    return ""


@csrf_exempt
def tracking(request: HttpRequest, esp: str) -> HttpResponse:
    if esp != provider():
        raise Http404("No tracking webhook for this provider.")
    if reason := refusal(esp):
        logger.warning("Tracking webhook post refused: %s", reason)
        return HttpResponse(
            "Delivery tracking is not configured.", status=403, content_type="text/plain"
        )
    return _guarded(TRACKING_VIEWS[esp]).as_view()(request)


@contextmanager
def _unreadable_is_a_bad_request(esp_name: str):
    """Whatever reading a post raises becomes Anymail's validation failure, which Django answers
    with a 400; a missing setting stays a server error."""
    try:
        yield
    except (SuspiciousOperation, ImproperlyConfigured):
        raise
    except Exception as error:  # a provider's parser fails in as many ways as a body can be bent
        raise AnymailWebhookValidationFailure(
            f"{esp_name} webhook body could not be read"
        ) from error


@cache
def _guarded(view_class: type) -> type:
    """``view_class`` answering 400 to a body its checks or its parser cannot read."""

    class Guarded(view_class):
        def run_validators(self, request):
            with _unreadable_is_a_bad_request(self.esp_name):
                super().run_validators(request)

        def parse_events(self, request):
            with _unreadable_is_a_bad_request(self.esp_name):
                return list(super().parse_events(request))

    Guarded.__name__ = Guarded.__qualname__ = f"Guarded{view_class.__name__}"
    return Guarded


def check_tracking_webhook(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Say at startup, and in ``check --deploy``, that delivery events are being refused."""
    esp = provider()
    reason = refusal(esp) if esp else ""
    if not reason:
        return []
    return [
        checks.Warning(
            f"The {esp} delivery tracking webhook refuses every post: {reason}",
            hint="Set ANYMAIL_WEBHOOK_SECRET to user:password, put them in the webhook URL you "
            "give the provider, and set the provider's signing key if it has one "
            "(docs/email.md).",
            id="notifications.W001",
        )
    ]
