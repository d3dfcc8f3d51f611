"""Seat work run by Celery: periodic upkeep (beat) and big imports."""

from celery import shared_task

from . import services
from .services import bulk_jobs


@shared_task
def expire_redemptions() -> int:
    return services.expire_redemptions()


@shared_task
def remind_redemptions() -> int:
    return services.remind_redemptions()


@shared_task
def requeue_stalled_imports() -> int:
    return bulk_jobs.requeue_stalled()


@shared_task(acks_late=True, soft_time_limit=900, time_limit=960)
def run_import(job_id: int) -> str | None:
    """Apply a queued import. Safe to deliver twice (acks_late): a job applied already, or being
    applied by another worker, is left alone. 50,000 rows take well under the time limits."""
    job = bulk_jobs.run_import(job_id)
    return job.status if job else None
