"""The Celery app: Redis broker when REDIS_URL is set, tasks run eagerly otherwise."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seatstore.settings")

app = Celery("seatstore")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def load_urls_before_forking(**kwargs) -> None:
    """Emails carry links, and building the first one loads every URL pattern of the site, which
    takes about a second. The worker's main process does it once, before it forks its pool: every
    pool process starts with them loaded instead of making its first batch wait."""
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018  (read for its side effect: the patterns load)
