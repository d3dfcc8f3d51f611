from django.apps import AppConfig


class SeatsConfig(AppConfig):
    name = "seats"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
