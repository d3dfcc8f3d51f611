"""A recipient finds the email in the demo outbox, clicks the link, registers, answers the
store's questions, redeems the seat and opens the training."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from accounts.emails import AccountEmail
from notifications.models import OutboundEmail
from seats import services
from seats.models import Enrollment
from tests.factories import (
    PASSWORD,
    ProductFactory,
    PurchasingGroupFactory,
    QuestionFactory,
    StoreFactory,
    make_agent,
    make_order,
)


@pytest.fixture
def emailed_seat(live_server, settings):
    """A seat in Fire Safety 101 emailed by an HR manager, its email in the outbox; the links
    in emails point at the live server."""
    settings.SITE_URL = live_server.url
    settings.CAMPUS_BASE_URL = f"{live_server.url}/campus"
    cache.clear()
    store = StoreFactory(name="Northwind Training", slug="northwind")
    group = PurchasingGroupFactory(store=store, name="Warehouse staff")
    agent = make_agent(group, email="hannah.reyes@northwind.example", first_name="Hannah",
                       last_name="Reyes")  # fmt: skip
    product = ProductFactory(store=store, name="Fire Safety 101")
    order = make_order(seats=3, buyer=agent, group=group, product=product)
    QuestionFactory(store=store, prompt="Department", choices="Operations\nSales\nSupport")
    QuestionFactory(store=store, prompt="Employee number", help_text="On your badge.")
    return services.email_redemption(
        seat=order.seats.first(),
        actor=agent,
        email="sam.taylor@example.com",
        message="Welcome aboard, Sam! Please finish this before your first shift.",
    )


@pytest.mark.django_db(transaction=True)
def test_recipient_redeems_a_seat_from_the_outbox_email(page, emailed_seat, screenshot):
    page.goto("/dev/outbox/")
    page.get_by_role("link", name="Hannah Reyes sent you a seat in Fire Safety 101").click()
    page.frame_locator("iframe").get_by_role("link", name="Redeem your seat").click()

    expect(page).to_have_url(re.compile(r"/redeem/claim/\d+/$"))  # the token left the URL
    expect(page.get_by_role("heading", name="Fire Safety 101")).to_be_visible()
    expect(page.get_by_text("Welcome aboard, Sam!")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("sam.taylor@example.com")
    screenshot("redemption-register")

    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Taylor")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account and continue").click()
    # The link proved the address: no confirmation email, straight on to the questions.

    page.get_by_label("Department").select_option("Support")
    page.get_by_label("Employee number").fill("E-1001")
    screenshot("redemption-questions")
    page.get_by_role("button", name="Redeem seat").click()

    expect(page.get_by_role("heading", name="You're enrolled in Fire Safety 101")).to_be_visible()
    start = page.get_by_role("link", name="Start training")
    expect(start).to_have_attribute("href", Enrollment.objects.get().training_url)
    screenshot("redemption-done")

    assert not OutboundEmail.objects.filter(kind=AccountEmail.EMAIL_CONFIRMATION).exists()

    start.click()
    page.get_by_role("button", name="Start course").click()
    expect(page.get_by_text("You started Fire Safety 101.")).to_be_visible()
