from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from seats.signals import events_recorded

        from .fanout import deliveries_for_events

        events_recorded.connect(deliveries_for_events, dispatch_uid="webhooks.deliveries")
