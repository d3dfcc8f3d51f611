from django.apps import AppConfig


class JoinsConfig(AppConfig):
    name = "joins"

    def ready(self):
        from . import emails

        emails.register()
