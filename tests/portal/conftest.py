import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from seats import services
from seats.models import Seat
from tests import factories


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def seats(order):
    """The five seats of ``order``: available, assigned, awaiting, return pending, available."""
    available, assigned, awaiting, returning, spare = order.seats.order_by("pk")
    buyer = order.buyer
    services.assign_seat(seat=assigned, actor=buyer, email="ada@example.com", first_name="Ada")
    services.email_redemption(seat=awaiting, actor=buyer, email="grace@example.com")
    services.assign_seat(seat=returning, actor=buyer, email="linus@example.com")
    services.request_return(seat=returning, actor=buyer, reason="Left the company")
    return {
        name: Seat.objects.get(pk=seat.pk)
        for name, seat in [
            ("available", available),
            ("assigned", assigned),
            ("awaiting", awaiting),
            ("return_pending", returning),
            ("spare", spare),
        ]
    }


def csv_upload(text: str, name: str = "people.csv", encoding: str = "utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def make_learner_with_enrollment(order):
    """A learner already enrolled in the order's course (through another order's seat)."""

    def make(email: str):
        line = order.lines.get()
        other = factories.make_order(seats=1, product=line.product, group=order.owner_group)
        services.assign_seat(seat=other.seats.get(), actor=other.buyer, email=email)

    return make
