"""A store admin works the returns queue in a real browser: approve a return, see the seat free."""

import pytest
from playwright.sync_api import expect

from notifications.models import OutboundEmail
from seats.emails import SeatEmail
from seats.models import Enrollment, Seat
from tests import factories


@pytest.mark.django_db(transaction=True)
def test_an_admin_approves_a_return_from_the_queue(page, sign_in, screenshot):
    admin = factories.make_store_admin(email="admin@example.com")
    order = factories.make_order(seats=3)
    seat = factories.make_seat(Seat.Status.RETURN_PENDING, order=order)
    request = seat.return_requests.get()

    sign_in(admin)
    page.goto("/admin/seats/returnrequest/")
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Left the company")
    row.get_by_role("link", name=str(request.pk), exact=True).click()

    page.locator("summary", has_text="Approve the return").click()
    amount = page.get_by_label("Amount")
    expect(amount).to_have_value("120.00")
    page.get_by_label("Note").first.fill("Refunded in full; the seat is yours to reassign.")
    page.get_by_role("button", name="Approve the return").click()

    expect(page.locator(".messagelist .success")).to_contain_text(
        f"The return of seat {seat.pk} is approved with a refund of 120.00; "
        "the seat is available again."
    )
    page.get_by_role("link", name=f"Seat {seat.pk}", exact=True).click()
    expect(page.locator(".field-status_badge .status-badge")).to_have_text("Available")
    screenshot("admin-return-approved")

    seat.refresh_from_db()
    assert seat.status == Seat.Status.AVAILABLE
    assert Enrollment.objects.get(seat=seat).status == Enrollment.Status.WITHDRAWN
    assert OutboundEmail.objects.filter(
        kind=SeatEmail.RETURN_DECIDED, to_email=order.buyer.email
    ).exists()
