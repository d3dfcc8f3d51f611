import pytest

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
