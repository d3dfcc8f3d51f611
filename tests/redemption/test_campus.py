"""The Campus stand-in: a learner starts a course, and the seat can no longer be unassigned."""

import pytest

from seats import services
from seats.errors import SeatActionError
from seats.models import Enrollment, Seat
from tests.factories import make_seat


@pytest.fixture
def assigned(db):
    return make_seat(Seat.Status.ASSIGNED)


def test_learner_starts_the_course_and_unassign_is_refused(client, assigned):
    enrollment = assigned.enrollment
    client.force_login(assigned.learner)

    page = client.get(enrollment.training_url)
    assert page.status_code == 200
    assert "Start course" in page.content.decode()

    started = client.post(enrollment.training_url)
    assert started.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.IN_PROGRESS
    assert "Start course" not in client.get(enrollment.training_url).content.decode()

    with pytest.raises(SeatActionError, match="already started"):
        services.unassign_seat(seat=assigned, actor=assigned.order.buyer)


def test_someone_else_cannot_open_or_start_the_course(client, assigned, other_agent):
    client.force_login(other_agent)
    url = assigned.enrollment.training_url
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert Enrollment.objects.get(pk=assigned.enrollment_id).status == (
        Enrollment.Status.NOT_STARTED
    )
