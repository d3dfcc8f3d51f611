from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from . import emails, receivers

        emails.register()
        receivers.connect()
