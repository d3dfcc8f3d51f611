"""Arrangements the tests of the portal's pages share (the admin's, the browser's and
the reliability suite's too)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from seats import services
from tests import factories

# A group's seats of one course in every column of its figures, as ``group_in_every_column``
# leaves them: available, awaiting, assigned, return pending, returned, awaiting payment, total.
EVERY_COLUMN = [2, 1, 1, 1, 1, 3]
EVERY_COLUMN_TOTAL = 9


def group_in_every_column(agent, group):
    """A paid order of six seats of one course (two available, one emailed, one assigned, one
    with a return pending, one refunded) and an unpaid order of three more, both for ``group``.
    Returns the course."""
    paid = factories.make_order(seats=6, buyer=agent, group=group)
    product = paid.lines.get().product
    emailed, assigned, returning, refunded, *_ = paid.seats.order_by("pk")
    services.email_redemption(seat=emailed, actor=agent, email="grace@example.com")
    services.assign_seat(seat=assigned, actor=agent, email="ada@example.com")
    services.assign_seat(seat=returning, actor=agent, email="linus@example.com")
    services.request_return(seat=returning, actor=agent, reason="Left the company")
    services.refund_seat(seat=refunded, actor=factories.make_store_admin())
    factories.make_order(seats=3, buyer=agent, group=group, product=product, paid=False)
    return product


def csv_upload(text: str, name: str = "people.csv", encoding: str = "utf-8"):
    """A CSV file as the order page's bulk upload form receives it."""
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")
