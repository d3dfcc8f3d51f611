import pytest

from seats.models import Enrollment, Redemption, ReturnRequest, Seat, SeatEvent


@pytest.fixture
def snapshot():
    """Everything about a seat a refused action must leave alone."""

    def take(seat: Seat) -> dict:
        fresh = Seat.objects.get(pk=seat.pk)
        return {
            "status": fresh.status,
            "learner": fresh.learner_id,
            "enrollment": fresh.enrollment_id,
            "owner_group": fresh.owner_group_id,
            "version": fresh.version,
            "events": list(SeatEvent.objects.filter(seat=fresh).values_list("pk", flat=True)),
            "enrollments": list(Enrollment.objects.filter(seat=fresh).values_list("pk", "status")),
            "links": list(Redemption.objects.filter(seat=fresh).values_list("pk", "state")),
            "returns": list(ReturnRequest.objects.filter(seat=fresh).values_list("pk", "state")),
        }

    return take
