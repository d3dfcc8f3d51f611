"""Arrangements and assertions the shop's tests share."""

from contextlib import contextmanager

import pytest

from orders.models import Order, OrderLine
from seats.models import Enrollment, Seat
from shop import services
from shop.checkout import CheckoutError
from tests import factories


def counts() -> tuple[int, int, int]:
    return Order.objects.count(), OrderLine.objects.count(), Seat.objects.count()


@contextmanager
def nothing_created():
    before = counts()
    yield
    assert counts() == before


@contextmanager
def refused(match: str):
    """The purchase is refused with a message matching ``match``, and nothing is written."""
    with nothing_created(), pytest.raises(CheckoutError, match=match):
        yield


def enroll(learner, product, status=Enrollment.Status.NOT_STARTED, result=Enrollment.Result.NONE):
    """The learner's history in Campus, outside any seat of this shop."""
    return Enrollment.objects.create(learner=learner, product=product, status=status, result=result)


def buyer_in(store, *, agreement: str | None, group=None):
    """A user of ``store`` with an agreement in the given status (or none), agent of ``group``."""
    buyer = factories.UserFactory()
    if group is not None:
        factories.GroupMembershipFactory(group=group, user=buyer)
    if agreement is not None:
        factories.AgreementFactory(user=buyer, store=store, status=agreement)
    return buyer


def pay(order):
    """Mark the order paid as a store admin, the way an invoice is settled."""
    return services.mark_order_paid(order=order, actor=factories.make_store_admin())
