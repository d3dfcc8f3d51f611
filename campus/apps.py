from django.apps import AppConfig


class CampusConfig(AppConfig):
    name = "campus"
    verbose_name = "Campus"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
