"""The database refuses what must never happen, even when code forgets a rule."""

import pytest
from django.db import IntegrityError, transaction

from orders.models import OrderLine
from seats.models import Enrollment, ReturnRequest, Seat
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_one_active_enrollment_per_learner_and_product(learner):
    product = factories.ProductFactory()
    Enrollment.objects.create(learner=learner, product=product)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(learner=learner, product=product)
    Enrollment.objects.create(learner=learner, product=product, status=Enrollment.Status.COMPLETED)


def test_one_pending_return_per_seat(order, agent):
    seat = factories.make_seat(Seat.Status.RETURN_PENDING, order=order)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnRequest.objects.create(seat=seat, requested_by=agent, reason="again")


def test_seat_holder_must_match_its_status(order, learner):
    with pytest.raises(IntegrityError), transaction.atomic():
        Seat.objects.filter(pk=order.seats.first().pk).update(learner=learner)


def test_quantities_must_be_positive(order):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.create(
            order=order, product=order.lines.get().product, quantity=0, unit_price=10
        )
