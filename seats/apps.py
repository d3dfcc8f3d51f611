from django.apps import AppConfig


class SeatsConfig(AppConfig):
    name = "seats"

    def ready(self):
        from . import emails

        emails.register()
