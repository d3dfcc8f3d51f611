from contextlib import contextmanager

import pytest
from kombu import pools

from notifications.models import OutboundEmail
from seats import services
from seats.emails import topic_for
from seatstore.celery import app
from tests.notifications.backends import FlakyBackend


@pytest.fixture
def redemption(order, agent):
    """A link emailed inside the test transaction: its email row is written, not yet queued."""
    return services.email_redemption(
        seat=order.seats.first(), actor=agent, email="recipient@example.com"
    )


@pytest.fixture
def email(redemption):
    return OutboundEmail.objects.get(topic=topic_for(redemption))


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.calls, FlakyBackend.failures = 0, 1
    return FlakyBackend


@contextmanager
def celery_broker(url: str):
    """Publish to a real broker at ``url`` instead of running tasks eagerly, for one block."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=url, task_always_eager=False)
    _drop_connections()
    try:
        yield app
    finally:
        app.conf.update(saved)
        _drop_connections()


def _drop_connections():
    """Close the broker connections and forget the pools, so the next publish connects anew."""
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
