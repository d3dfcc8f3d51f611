"""API upkeep run by Celery beat."""

from celery import shared_task

from .idempotency import forget_old_answers


@shared_task
def forget_idempotent_answers() -> int:
    return forget_old_answers()
