"""A learner takes the course in the stand-in Campus and fails it; the result comes back to the
store: the shop refuses or sells a retake as the store's re-purchase option says, and the agent
sees the result on the order page."""

import re

import pytest
from playwright.sync_api import expect

from seats import services
from tests.factories import (
    ProductFactory,
    PurchasingGroupFactory,
    StoreFactory,
    UserFactory,
    make_agent,
    make_order,
)


@pytest.fixture
def assigned(live_server, settings):
    """Fire Safety 101, one of whose seats the agent assigned to Sam; training links point at the
    live server's stand-in Campus."""
    settings.CAMPUS_BASE_URL = f"{live_server.url}/campus"
    store = StoreFactory(name="Northwind Training", slug="northwind")
    group = PurchasingGroupFactory(store=store, name="Warehouse staff")
    agent = make_agent(group, email="hannah.reyes@northwind.example")
    product = ProductFactory(store=store, name="Fire Safety 101")
    order = make_order(seats=2, buyer=agent, group=group, product=product)
    learner = UserFactory(email="sam.taylor@example.com", first_name="Sam", last_name="Taylor")
    seat = services.assign_seat(seat=order.seats.first(), actor=agent, email=learner.email)
    return {"store": store, "agent": agent, "learner": learner, "order": order, "seat": seat}


@pytest.mark.parametrize("retake_allowed", [False, True], ids=["no-retake", "retake"])
@pytest.mark.django_db(transaction=True)
def test_learner_fails_in_campus_and_the_store_acts_on_it(
    page, sign_in, screenshot, assigned, retake_allowed
):
    store = assigned["store"]
    store.block_purchase_when_enrolled = True
    store.allow_repurchase_after_failed = retake_allowed
    store.save()

    # The learner takes the course in Campus and fails it.
    sign_in(assigned["learner"])
    expect(page.get_by_role("heading", name="My training")).to_be_visible()
    page.get_by_role("link", name="Start training").click()
    page.get_by_role("button", name="Start course").click()
    expect(page.get_by_text("You started Fire Safety 101.")).to_be_visible()
    page.get_by_role("button", name="Fail").click()
    expect(page.get_by_text("You completed Fire Safety 101 without passing.")).to_be_visible()
    expect(page.locator(".badge", has_text="Completed — Failed")).to_be_visible()
    expect(page.get_by_role("button", name="Pass")).to_have_count(0)
    page.get_by_role("link", name="Back to My training").click()
    expect(page.get_by_role("cell", name="Completed · Failed")).to_be_visible()

    # Then tries to buy the course again.
    page.get_by_role("link", name="Shop").first.click()
    page.get_by_role("link", name="Buy Fire Safety 101").click()
    page.get_by_role("button", name="Place order").click()
    if retake_allowed:
        expect(page.get_by_role("heading", name=re.compile(r"Order SO-\d+ placed"))).to_be_visible()
    else:
        expect(
            page.get_by_text("You completed Fire Safety 101 and did not pass; Northwind Training")
        ).to_be_visible()
        screenshot("campus-retake-refused")

    # The agent sees the result on the order page.
    page.get_by_role("button", name="Sign out").click()
    sign_in(assigned["agent"])
    page.goto(f"/account/orders/{assigned['order'].pk}/")
    row = page.locator(f"#seat-{assigned['seat'].pk}")
    expect(row.get_by_text("Completed — Failed", exact=True)).to_be_visible()
    row.get_by_text("History").click()
    latest = row.locator(".timeline li").first  # newest first
    expect(latest).to_contain_text("Course progress by the system")
    expect(latest).to_contain_text("Completed — Failed")
    if not retake_allowed:
        screenshot("campus-result-on-order-page")
