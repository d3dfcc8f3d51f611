import pytest

from tests.reliability.conftest import private_redis, processes  # noqa: F401  (fixtures)
from tests.support.processes import free_port, start_celery_worker
from tests.support.webhook_receiver import running_receiver
from webhooks import services
from webhooks.models import EventType

ALL_EVENTS = list(EventType.values)


@pytest.fixture
def receiver():
    with running_receiver() as receiver:
        yield receiver


@pytest.fixture
def endpoint(agent, receiver):
    """The agent's endpoint, subscribed to everything, at the receiver, which knows its secret."""
    endpoint = services.register_endpoint(actor=agent, url=receiver.url, events=ALL_EVENTS)
    receiver.secret = endpoint.secret
    return endpoint


@pytest.fixture
def start_worker(processes, private_redis):  # noqa: F811
    """Start a Celery worker on the test's own redis-server, with ``env`` added to its
    environment."""

    def start(**env):
        return start_celery_worker(
            processes, smtp_port=free_port(), broker=private_redis.url, **env
        )

    return start
