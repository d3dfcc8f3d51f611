import pytest

from seats.models import Seat
from tests.factories import make_seat

from .helpers import SECRET


@pytest.fixture(autouse=True)
def _callback_secret(settings):
    settings.CAMPUS_CALLBACK_SECRET = SECRET


@pytest.fixture
def seat(order):
    """A seat of ``order`` assigned to learner@example.com."""
    return make_seat(Seat.Status.ASSIGNED, order=order)


@pytest.fixture
def enrollment(seat):
    return seat.enrollment
