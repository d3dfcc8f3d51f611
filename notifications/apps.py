from django.apps import AppConfig
from django.core import checks


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the Anymail tracking receiver)
        from .webhooks import check_tracking_webhook

        checks.register(check_tracking_webhook, checks.Tags.security)
