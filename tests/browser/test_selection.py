"""Many seats at once, and seat validity, in a real browser."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from seats import services
from seats.models import SeatEvent
from tests import factories


@pytest.mark.django_db(transaction=True)
def test_agent_resends_three_links_from_the_order_page(page, sign_in, screenshot, agent, order):
    chosen = list(order.seats.order_by("pk")[:3])
    for number, seat in enumerate(chosen):
        services.email_redemption(seat=seat, actor=agent, email=f"r{number}@example.com")
    sign_in(agent)
    page.goto(f"/account/orders/{order.pk}/")
    for seat in chosen:
        page.get_by_label(f"Select seat {seat.pk}", exact=True).check()
    page.get_by_label(f"Select seat {order.seats.order_by('-pk')[0].pk}", exact=True).check()
    screenshot("selection-order-page")
    page.get_by_role("button", name="Resend links").click()

    expect(page.get_by_role("heading", name="3 seats will get a new link")).to_be_visible()
    expect(page.get_by_text("1 seat will be skipped")).to_be_visible()
    expect(page.get_by_text("This seat is Available, so it cannot be resent")).to_be_visible()
    screenshot("selection-confirmation")
    page.get_by_role("button", name="Yes, resend links: 3 seats").click()

    expect(page.get_by_text("3 seats got a new link.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Order {order.number}")).to_be_visible()
    resent = SeatEvent.objects.filter(action=SeatEvent.Action.RESEND)
    assert sorted(resent.values_list("seat_id", flat=True)) == [seat.pk for seat in chosen]
    screenshot("selection-done")


@pytest.mark.django_db(transaction=True)
def test_an_expired_order_until_an_admin_extends_it(page, sign_in, screenshot, agent, order):
    factories.set_validity(order, days=-1)
    seat = order.seats.order_by("pk").first()
    sign_in(agent)
    page.goto(f"/account/orders/{order.pk}/")
    expect(page.get_by_role("note").filter(has_text="can no longer be assigned")).to_be_visible()
    expect(page.get_by_role("link", name=f"Assign seat {seat.pk}", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Assign from a CSV file")).to_have_count(0)
    screenshot("validity-expired-order")
    page.goto("/account/orders/")
    expect(page.get_by_text("Unused seats expired")).to_be_visible()

    page.context.clear_cookies()
    sign_in(factories.make_store_admin(email="admin@example.com"))
    page.goto(f"/admin/orders/order/{order.pk}/change/")
    page.locator("summary", has_text="Extend the seats' validity").click()
    day = timezone.localdate() + timedelta(days=60)
    page.get_by_label("Unused seats valid until").fill(day.isoformat())
    screenshot("validity-admin-extend")
    page.get_by_role("button", name="Extend the seats' validity").click()
    expect(page.locator(".messagelist .success")).to_contain_text(
        f"The unused seats of order {order.number} can be handed out until the end of"
    )

    page.context.clear_cookies()
    sign_in(agent)
    page.goto(f"/account/orders/{order.pk}/")
    expect(page.get_by_role("link", name=f"Assign seat {seat.pk}", exact=True)).to_be_visible()
    expect(page.get_by_text("can no longer be assigned")).to_have_count(0)
    screenshot("validity-extended-order")
