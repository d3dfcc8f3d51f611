"""What the order page offers, as agents and buyers see it: a retail buyer gets their seat and
no agent tools, a seat moved to another organization's group is view-only for the buyer, a
learner who started keeps their seat, and a refusal keeps what the agent typed."""

import pytest
from playwright.sync_api import expect

from orders.models import Order
from seats import services
from seats.lms import campus
from shop import services as order_services
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_retail_buyer_sees_their_seat_and_no_agent_tools(page, sign_in, screenshot):
    buyer = factories.UserFactory(email="buyer@example.com")
    product = factories.ProductFactory(name="Fire Safety 101")
    order = order_services.create_order(
        store=product.store, buyer=buyer, items=[(product, 1)], kind=Order.Kind.RETAIL
    )
    order_services.mark_order_paid(order=order, actor=factories.make_store_admin())
    seat = order.seats.get()

    sign_in(buyer)
    page.goto(f"/account/orders/{order.pk}/")
    row = page.locator(f"#seat-{seat.pk}")
    expect(row.locator(".badge")).to_have_text("Assigned")
    expect(row.get_by_role("link", name=f"Training link for seat {seat.pk}")).to_be_visible()
    expect(page.get_by_text("Hand out many seats")).to_have_count(0)
    expect(row.get_by_role("link")).to_have_count(1)  # the training link, no action
    screenshot("retail-order")

    page.goto(f"/account/seats/{seat.pk}/transfer/")
    expect(page.get_by_role("alert")).to_contain_text("is a retail purchase")
    expect(page.get_by_role("button", name="Transfer")).to_have_count(0)


def test_agents_see_what_they_may_do_and_keep_what_they_typed(
    page, sign_in, agent, order, store_admin
):
    moved, started, free, denied, _ = order.seats.order_by("pk")
    contoso = factories.PurchasingGroupFactory(store=order.store, name="Contoso")
    services.change_seat_owner_group(seat=moved, actor=store_admin, group=contoso)
    campus().start(
        services.assign_seat(seat=started, actor=agent, email="ada@example.com").enrollment
    )
    services.assign_seat(seat=denied, actor=agent, email="linus@example.com")
    services.request_return(seat=denied, actor=agent, reason="Left")
    services.deny_return(seat=denied, actor=store_admin, note="The course has started")
    busy = factories.make_order(seats=1, product=order.lines.get().product)
    services.assign_seat(seat=busy.seats.get(), actor=busy.buyer, email="busy@example.com")

    sign_in(agent)
    page.goto(f"/account/orders/{order.pk}/")
    moved_row = page.locator(f"#seat-{moved.pk}")
    expect(moved_row.get_by_text("View only: managed by the agents of Contoso")).to_be_visible()
    expect(moved_row.get_by_role("link", name=f"Assign seat {moved.pk}")).to_have_count(0)

    started_row = page.locator(f"#seat-{started.pk}")
    expect(
        started_row.get_by_role("link", name=f"Request return seat {started.pk}")
    ).to_be_visible()
    expect(started_row.get_by_role("link", name=f"Unassign seat {started.pk}")).to_have_count(0)
    expect(started_row.get_by_role("link", name=f"Transfer seat {started.pk}")).to_have_count(0)

    expect(page.locator(f"#seat-{denied.pk}")).to_contain_text("Return denied")
    expect(page.locator(f"#seat-{denied.pk}")).to_contain_text("note: The course has started")

    page.get_by_role("link", name=f"Assign seat {free.pk}", exact=True).click()
    page.get_by_label("Learner's email").fill("busy@example.com")
    page.get_by_label("First name").fill("Bea")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("alert")).to_contain_text("busy@example.com already has an active")
    expect(page.get_by_label("Learner's email")).to_have_value("busy@example.com")
    expect(page.get_by_label("First name")).to_have_value("Bea")
    page.get_by_label("Learner's email").fill("bea@example.com")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text(f"Seat {free.pk} is assigned to bea@example.com")).to_be_visible()
