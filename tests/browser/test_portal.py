"""An agent's day in the portal, in a real browser: every step through the pages, as a person."""

import pytest
from playwright.sync_api import expect

from seats.models import Seat


def csv_file(text: str) -> dict:
    return {"name": "learners.csv", "mimeType": "text/csv", "buffer": text.encode()}


@pytest.mark.django_db(transaction=True)
def test_agent_hands_out_seats_from_the_order_page(page, sign_in, screenshot, agent, order):
    first, second, *_ = order.seats.order_by("pk")
    sign_in(agent)
    page.goto("/account/orders/")
    page.get_by_role("link", name=order.number).click()
    expect(page.get_by_role("heading", name=f"Order {order.number}")).to_be_visible()

    # Assign a seat to a named learner.
    page.get_by_role("link", name=f"Assign seat {first.pk}", exact=True).click()
    page.get_by_label("Learner's email").fill("ada@example.com")
    page.get_by_label("First name").fill("Ada")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text(f"Seat {first.pk} is assigned to ada@example.com")).to_be_visible()

    # Email a redemption link, then cancel it.
    page.get_by_role("link", name=f"Email link seat {second.pk}").click()
    page.get_by_label("Recipient's email").fill("grace@example.com")
    page.get_by_label("Message").fill("Your seat for the safety course.")
    page.get_by_role("button", name="Email link").click()
    expect(page.get_by_text("was emailed to grace@example.com")).to_be_visible()
    row = page.locator(f"#seat-{second.pk}")
    expect(row.get_by_text("Awaiting")).to_be_visible()
    row.get_by_role("link", name=f"Cancel link seat {second.pk}").click()
    page.get_by_role("button", name="Yes, cancel link").click()
    expect(page.get_by_text(f"The link for seat {second.pk} was cancelled")).to_be_visible()

    # Unassign the first seat again.
    page.get_by_role("link", name=f"Unassign seat {first.pk}").click()
    page.get_by_role("button", name="Yes, unassign").click()
    expect(page.get_by_text(f"Seat {first.pk} is available again")).to_be_visible()
    assert not order.seats.exclude(status=Seat.Status.AVAILABLE).exists()

    # A CSV with a bad row: the row's error is shown and nothing changes.
    page.get_by_role("link", name="Assign from a CSV file").click()
    page.get_by_label("CSV file").set_input_files(
        csv_file("email,first_name,last_name\nann@example.com,Ann,Lee\nbob@example,Bob,Ray\n")
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="1 problem found: nothing was applied")).to_be_visible()
    expect(page.get_by_role("row", name="Row 3 “bob@example” is not a valid email")).to_be_visible()
    assert not order.seats.exclude(status=Seat.Status.AVAILABLE).exists()

    # Fixed, it previews clean and applies.
    page.get_by_label("CSV file").set_input_files(
        csv_file("email,first_name,last_name\nann@example.com,Ann,Lee\nbob@example.com,Bob,Ray\n")
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="All 2 rows are ready")).to_be_visible()
    page.get_by_role("button", name="Assign 2 seats").click()
    expect(page.get_by_text("2 seats assigned and the learners emailed")).to_be_visible()
    expect(page.get_by_text("bob@example.com", exact=True)).to_be_visible()
    assert order.seats.filter(status=Seat.Status.ASSIGNED).count() == 2

    screenshot("order-page")
