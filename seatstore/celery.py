"""The Celery app: Redis broker when REDIS_URL is set, tasks run eagerly otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seatstore.settings")

app = Celery("seatstore")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
