"""Expiry and reminders, run by Celery beat; time is passed in."""

from datetime import timedelta

import pytest

from notifications.models import OutboundEmail
from seats import services, tasks
from seats.emails import SeatEmail, topic_for
from seats.models import Redemption, Seat, SeatEvent
from tests.support.links import link_path


def test_expired_link_returns_the_seat_and_says_so(client, redemption):
    assert services.expire_redemptions(now=redemption.expires_at - timedelta(seconds=1)) == 0

    assert services.expire_redemptions(now=redemption.expires_at) == 1

    seat = Seat.objects.get(pk=redemption.seat_id)
    assert seat.status == Seat.Status.AVAILABLE
    event = seat.events.last()
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        SeatEvent.Action.EXPIRE,
        Seat.Status.AWAITING,
        Seat.Status.AVAILABLE,
        None,
    )
    assert Redemption.objects.get(pk=redemption.pk).state == Redemption.State.EXPIRED
    assert client.get(link_path(redemption)).status_code == 410
    assert services.expire_redemptions(now=redemption.expires_at) == 0


def test_expiry_task_uses_the_current_time(redemption):
    Redemption.objects.filter(pk=redemption.pk).update(expires_at=redemption.created_at)
    assert tasks.expire_redemptions.apply().get() == 1


def _reminders(redemption):
    return OutboundEmail.objects.filter(
        topic=topic_for(redemption), kind=SeatEmail.REDEMPTION_REMINDER
    )


def test_reminders_come_at_the_interval_at_most_max_times_and_keep_the_expiry(redemption):
    store = redemption.seat.order.store
    assert (store.reminder_interval_days, store.max_reminders) == (7, 3)
    sent_at, expires_at = redemption.last_sent_at, redemption.expires_at

    schedule = {6: 0, 7: 1, 8: 0, 13: 0, 14: 1, 21: 1, 28: 0, 29: 0}
    for day, expected in schedule.items():
        assert services.remind_redemptions(now=sent_at + timedelta(days=day)) == expected, day

    redemption.refresh_from_db()
    assert redemption.reminders_sent == 3
    assert redemption.send_count == 4
    assert redemption.expires_at == expires_at
    assert _reminders(redemption).count() == 3
    seat = redemption.seat
    assert seat.status == Seat.Status.AWAITING
    assert seat.events.filter(action=SeatEvent.Action.REMIND).count() == 3


def test_reminder_carries_the_same_working_link(
    client, redemption, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.remind_redemptions(now=redemption.last_sent_at + timedelta(days=7))
    assert mailoutbox[-1].subject.startswith("Reminder:")
    assert link_path(redemption) in mailoutbox[-1].body
    assert client.get(link_path(redemption)).status_code == 302


@pytest.mark.parametrize("field", ["reminder_interval_days", "max_reminders"])
def test_no_reminders_when_the_store_turns_them_off(redemption, field):
    store = redemption.seat.order.store
    setattr(store, field, 0)
    store.save()
    assert services.remind_redemptions(now=redemption.last_sent_at + timedelta(days=7)) == 0


def test_no_reminder_for_a_dead_or_expired_link(redemption):
    later = redemption.last_sent_at + timedelta(days=7)
    Redemption.objects.filter(pk=redemption.pk).update(expires_at=later)
    assert services.remind_redemptions(now=later) == 0
    services.cancel_redemption(seat=redemption.seat_id, actor=redemption.created_by)
    assert services.remind_redemptions(now=later - timedelta(minutes=1)) == 0


def test_reminder_task_runs_the_service(redemption):
    assert tasks.remind_redemptions.apply().get() == 0
