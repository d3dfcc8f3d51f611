from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Public API"

    def ready(self):
        from . import demo  # noqa: F401  (connects the demo key to seed_demo)
