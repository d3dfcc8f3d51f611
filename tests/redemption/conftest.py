import pytest
from django.core.cache import cache

from seats import services

RECIPIENT = "recipient@example.com"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seat(order):
    return order.seats.first()


@pytest.fixture
def redemption(seat, agent):
    """A live link for one seat, emailed by the agent to RECIPIENT."""
    return services.email_redemption(
        seat=seat, actor=agent, email=RECIPIENT, message="Welcome to the team!"
    )


@pytest.fixture
def recipient(db):
    from tests.factories import UserFactory

    return UserFactory(email=RECIPIENT, first_name="Rita", last_name="Recipient")
