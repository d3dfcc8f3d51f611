"""A real Celery worker, on the real Redis, sends an email queued by an action."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from notifications.models import OutboundEmail
from seats import services
from seats.emails import topic_for
from seats.models import Redemption
from seats.tokens import token_for
from tests.notifications.conftest import celery_broker

REDIS_URL = os.environ.get("WORKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
BASE_DIR = Path(__file__).resolve().parents[2]
DEADLINE = 60  # seconds for the worker to start and send


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    """A worker process sending through the file backend into tmp_path/mail."""
    redis.Redis.from_url(REDIS_URL).flushdb()  # no tasks left over from an earlier run
    env = os.environ | {
        "DATABASE_URL": _database_url(),
        "REDIS_URL": REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "SITE_URL": "http://testserver",
        "DJANGO_SETTINGS_MODULE": "seatstore.settings",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "seatstore", "worker", "--pool=solo",
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    yield process, tmp_path
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_sends_the_redemption_email(worker, order, agent):
    process, tmp_path = worker
    with celery_broker(REDIS_URL):
        redemption = services.email_redemption(
            seat=order.seats.first(), actor=agent, email="recipient@example.com"
        )
    email = OutboundEmail.objects.get(topic=topic_for(redemption))
    assert email.queued_at is not None

    deadline = time.monotonic() + DEADLINE
    while email.status == OutboundEmail.Status.PENDING:
        log = (tmp_path / "worker.log").read_text()
        assert process.poll() is None, f"the worker died:\n{log}"
        assert time.monotonic() < deadline, f"not sent within {DEADLINE} s:\n{log}"
        time.sleep(0.2)
        email.refresh_from_db()

    assert email.status == OutboundEmail.Status.SENT
    sent = "".join(path.read_text() for path in (tmp_path / "mail").iterdir())
    assert f"To: {redemption.recipient_email}" in sent
    assert f"http://testserver/redeem/{token_for(redemption.token_nonce)}/" in sent
    redemption.refresh_from_db()
    assert redemption.delivery_status == Redemption.Delivery.SENT
