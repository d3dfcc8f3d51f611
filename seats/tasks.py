"""Seat upkeep run by Celery beat: links past their lifetime, reminders for unredeemed links."""

from celery import shared_task

from . import services


@shared_task
def expire_redemptions() -> int:
    return services.expire_redemptions()


@shared_task
def remind_redemptions() -> int:
    return services.remind_redemptions()
