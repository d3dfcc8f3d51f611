"""Alerts run by Celery beat."""

from celery import shared_task

from . import digest


@shared_task
def send_weekly_digests() -> int:
    return digest.send_weekly_digests()
