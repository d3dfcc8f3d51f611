"""A learner buys a seat for themselves in a real browser, answering the course's questions; a
store admin marks the invoice paid; the learner finds the seat and its training link."""

import pytest
from playwright.sync_api import expect

from orders.models import Order
from seats.models import Seat
from tests.factories import (
    ProductFactory,
    QuestionFactory,
    StoreFactory,
    UserFactory,
    make_store_admin,
)
from tests.support.sign_in import sign_in_on


@pytest.fixture
def course(live_server, settings):
    """Fire Safety 101 at a retail store that asks every learner two questions."""
    settings.CAMPUS_BASE_URL = f"{live_server.url}/campus"
    store = StoreFactory(name="Northwind Training", slug="northwind", sale_model="retail")
    product = ProductFactory(store=store, name="Fire Safety 101")
    QuestionFactory(
        store=store, product=product, prompt="Employee number", help_text="On your badge."
    )
    QuestionFactory(store=store, prompt="Department", choices="Operations\nSales", required=False)
    return product


@pytest.fixture
def admin_page(_browser, live_server):
    """A second browser, signed in as a store admin."""
    admin = make_store_admin(email="admin@example.com")
    context = _browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in_on(page, admin)
    yield page
    context.close()


@pytest.mark.django_db(transaction=True)
def test_buyer_answers_at_checkout_and_is_enrolled_once_paid(
    page, sign_in, screenshot, course, admin_page
):
    buyer = UserFactory(email="sam.taylor@example.com")
    sign_in(buyer)

    page.goto("/shop/")
    page.get_by_role("link", name="Buy Fire Safety 101").click()
    expect(page.get_by_role("heading", name="Buy a seat")).to_be_visible()
    page.get_by_label("Department").select_option("Sales")
    page.get_by_role("button", name="Place order").click()

    # Refused: the required answer is missing; the chosen department is kept.
    expect(page.get_by_text("Answer the required question “Employee number”.")).to_be_visible()
    expect(page.get_by_label("Department")).to_have_value("Sales")
    assert not Order.objects.exists()

    page.get_by_label("Employee number").fill("E-1042")
    page.get_by_role("button", name="Place order").click()
    order = Order.objects.get()
    expect(page.get_by_role("heading", name=f"Order {order.number} placed")).to_be_visible()
    expect(
        page.get_by_text("Once the order is paid you are enrolled automatically")
    ).to_be_visible()

    admin_page.goto(f"/admin/orders/order/{order.pk}/change/")
    admin_page.get_by_role("button", name="Mark paid").click()
    expect(admin_page.locator(".messagelist .success")).to_have_text(
        f"Order {order.number} is paid and sam.taylor@example.com is enrolled."
    )

    page.goto(f"/account/orders/{order.pk}/")
    seat = order.seats.get()
    row = page.locator(f"#seat-{seat.pk}")
    expect(row.locator(".badge")).to_have_text("Assigned")
    expect(row.get_by_text("sam.taylor@example.com", exact=True)).to_be_visible()
    training = row.get_by_role("link", name=f"Training link for seat {seat.pk}")
    expect(training).to_have_attribute("href", seat.enrollment.training_url)
    expect(page.get_by_text("not enrolled yet")).to_have_count(0)
    screenshot("retail-order-enrolled")

    assert seat.status == Seat.Status.ASSIGNED
    assert dict(seat.answers.values_list("question__prompt", "value")) == {
        "Employee number": "E-1042",
        "Department": "Sales",
    }
