"""Sending is idempotent, retries what is transient, and gives up on what is not."""

import contextlib
import threading
from unittest import mock

import psycopg
import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import Error, connection

from notifications import claims, emails, tasks
from notifications.claims import LOCK_SPACE, claimed, unclaimed
from notifications.models import OutboundEmail
from notifications.outcomes import Outcomes
from notifications.sending import Sender
from notifications.tasks import MAX_ATTEMPTS, send_emails, sweep_outbox
from seats import services
from seats.emails import topic_for
from seats.models import Redemption
from tests.support.waiting import wait_for


def email_of(redemption: Redemption) -> OutboundEmail:
    return OutboundEmail.objects.get(topic=topic_for(redemption))


def send_one(email: OutboundEmail) -> int:
    """One attempt at ``email`` outside a batch, as a worker makes it."""
    with Outcomes() as outcomes:
        return tasks._send_one(email, Sender(mail.get_connection(), emails.Renderer()), outcomes)


def delivery_of(redemption: Redemption) -> str:
    redemption.refresh_from_db()
    return redemption.delivery_status


def test_a_task_run_twice_sends_once(redemption, email, mailoutbox):
    queued_at = email.queued_at
    assert send_emails.apply(args=[[email.pk]]).get() == 1
    assert send_emails.apply(args=[[email.pk]]).get() == 0

    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 1 and email.sent_at is not None
    assert email.queued_at == queued_at  # the outbox still tells when it was queued
    assert delivery_of(redemption) == Redemption.Delivery.SENT


@pytest.mark.postgres
def test_an_email_another_worker_is_sending_is_left_to_it(email, mailoutbox):
    params = connection.get_connection_params()
    with psycopg.connect(
        **{key: params[key] for key in ("dbname", "user", "host", "port")}
    ) as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_SPACE, email.pk])
        assert send_emails.apply(args=[[email.pk]]).get() == 0
        assert mailoutbox == []
    # The other worker died without sending: its claim goes with its connection, once the server
    # has noticed the connection closed.
    wait_for(lambda: unclaimed([email.pk]), what="the dead worker's claim released")
    assert send_emails.apply(args=[[email.pk]]).get() == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.SENT, 1)


def test_a_batch_skips_what_was_sent_and_sends_the_rest(order, agent, mailoutbox):
    first, second = (
        services.email_redemption(seat=seat, actor=agent, email=f"r{seat.pk}@example.com")
        for seat in order.seats.all()[:2]
    )
    ids = [email_of(first).pk, email_of(second).pk]
    send_emails.apply(args=[ids[:1]])

    assert send_emails.apply(args=[ids]).get() == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [first.recipient_email, second.recipient_email]
    )


def test_transient_provider_error_is_retried_with_backoff(email, flaky, mailoutbox):
    with (
        mock.patch(
            "celery.app.autoretry.get_exponential_backoff_interval", return_value=7
        ) as backoff,
        pytest.raises(Retry) as retry,
    ):
        send_emails.apply(args=[[email.pk]])

    backoff.assert_called_once_with(factor=5, retries=0, maximum=600, full_jitter=True)
    assert retry.value.when == 7
    assert isinstance(retry.value.exc, ConnectionError)
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (
        OutboundEmail.Status.PENDING,
        1,
        "provider unreachable",
    )
    assert email.queued_at is not None  # the retry carries it: the sweep leaves it to the retry
    assert sweep_outbox.apply().get() == 0
    assert mailoutbox == []

    assert retry.value.sig.apply().get() == 1
    assert flaky.calls == 2
    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (OutboundEmail.Status.SENT, 2, "")


def test_retries_stop_at_the_limit(email, flaky):
    flaky.failures = 99
    with pytest.raises(ConnectionError):
        send_emails.apply(args=[[email.pk]], retries=send_emails.max_retries)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING  # the sweep tries again later


def test_failed_attempt_is_recorded_for_the_retry(email, flaky):
    flaky.failures = 99
    with pytest.raises(ConnectionError):
        send_one(email)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert (email.attempts, email.last_error) == (1, "provider unreachable")


def test_email_fails_for_good_after_the_last_attempt(redemption, email, flaky):
    flaky.failures = 99
    OutboundEmail.objects.filter(pk=email.pk).update(attempts=MAX_ATTEMPTS - 1)
    email.refresh_from_db()
    assert send_one(email) == 0
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert delivery_of(redemption) == Redemption.Delivery.FAILED


def test_refused_recipient_is_not_retried(redemption, email, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.RefusingBackend"
    assert send_emails.apply(args=[[email.pk]]).get() == 0
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert "refused" in email.last_error
    assert delivery_of(redemption) == Redemption.Delivery.FAILED


def test_a_broken_email_does_not_hold_up_the_batch(order, agent, mailoutbox):
    batch = [
        email_of(services.email_redemption(seat=seat, actor=agent, email=f"r{seat.pk}@example.com"))
        for seat in order.seats.all()[:2]
    ]
    OutboundEmail.objects.filter(pk=batch[0].pk).update(kind="no_such_kind")

    assert send_emails.apply(args=[[e.pk for e in batch]]).get() == 1
    broken = OutboundEmail.objects.get(pk=batch[0].pk)
    assert broken.status == OutboundEmail.Status.PENDING and broken.attempts == 1
    assert "no_such_kind" in broken.last_error


def test_link_that_died_before_its_email_left_is_not_sent(redemption, email, mailoutbox):
    services.cancel_redemption(seat=redemption.seat_id, actor=redemption.created_by)
    assert send_emails.apply(args=[[email.pk]]).get() == 0
    assert mailoutbox == []
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.last_error.startswith("Not sent: the link stopped working")


def test_sweep_queues_unqueued_and_stale_emails_oldest_first(email, mailoutbox):
    OutboundEmail.objects.filter(pk=email.pk).update(queued_at=None)  # the broker was down
    with mock.patch.object(tasks, "requeue", return_value=1) as requeue:
        assert sweep_outbox.apply().get() == 1
    requeue.assert_called_once_with([email.pk])
    sweep_outbox.apply()
    assert len(mailoutbox) == 1
    assert sweep_outbox.apply().get() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_what_a_worker_took_is_left_to_it_and_handed_over_by_the_next_sweep_once_it_dies(
    order, agent, mailoutbox
):
    with mock.patch("notifications.services.enqueue"):  # its message waits in the broker
        redemption = services.email_redemption(
            seat=order.seats.first(), actor=agent, email="recipient@example.com"
        )
    email = email_of(redemption)
    taken, dead = threading.Event(), threading.Event()
    worker = {}

    def take_and_die():
        """A worker takes the email; its session ends before the email is sent."""
        with contextlib.suppress(Error), claimed([email.pk]) as held:
            worker.update(pid=connection.connection.info.backend_pid, held=list(held))
            taken.set()
            dead.wait(timeout=30)
        connection.close()

    thread = threading.Thread(target=take_and_die)
    thread.start()
    try:
        assert taken.wait(timeout=30) and worker["held"] == [email.pk]
        assert sweep_outbox.apply().get() == 0  # in a live worker's hands
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [worker["pid"]])  # waits
    finally:
        dead.set()
        thread.join(timeout=30)

    assert sweep_outbox.apply().get() == 1  # the next sweep, not ten minutes on
    assert [m.to for m in mailoutbox] == [["recipient@example.com"]]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


@pytest.mark.postgres
def test_a_claiming_worker_asks_postgresql_to_notice_its_machine_vanishing(email):
    with claimed([email.pk]), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('tcp_keepalives_idle')::int + "
            "current_setting('tcp_keepalives_interval')::int * "
            "current_setting('tcp_keepalives_count')::int, "
            "current_setting('tcp_user_timeout')::int"
        )
        silent_seconds, unanswered_ms = cursor.fetchone()
    assert 0 < silent_seconds <= 30
    assert 0 < unanswered_ms <= 30_000


@pytest.mark.postgres
def test_a_claim_goes_by_its_ids_however_many_emails_wait(db):
    """Statistics gathered in a quiet hour say few emails are pending; a bulk action then queues
    thousands. The claim of a batch must still find its rows by id, not walk every pending one."""
    emails = OutboundEmail.objects.bulk_create(
        OutboundEmail(kind="invitation", to_email=f"r{n}@example.com", status="sent")
        for n in range(500)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {OutboundEmail._meta.db_table}")
    OutboundEmail.objects.update(status=OutboundEmail.Status.PENDING)
    ids = [email.pk for email in emails[:100]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + claims._CLAIM, [ids, LOCK_SPACE, "pending"])
        claim_plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN " + claims._REQUEUED, [ids, "pending"])
        requeue_plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "outbox_pending_idx" not in claim_plan, claim_plan
    assert "outbox_pending_idx" not in requeue_plan, requeue_plan
    with claimed(ids) as taken:
        assert sorted(taken) == ids
