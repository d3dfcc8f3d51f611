import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from seats import services
from seats.models import Seat


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
