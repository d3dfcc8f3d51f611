"""What people see around the pages, in a real browser: Groups figures that add up, navigation
that offers only what a person has, the store's own support address, numbered pages, and a
seat's history that reads as text in the admin."""

import pytest
from playwright.sync_api import expect

from seats import services
from tests import factories
from tests.portal.helpers import EVERY_COLUMN, EVERY_COLUMN_TOTAL, group_in_every_column

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agent_reads_groups_figures_that_add_up(page, sign_in, screenshot, agent, group):
    product = group_in_every_column(agent, group)
    sign_in(agent)
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Groups").click()

    table = page.get_by_role("region", name=group.name).get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(
        [
            "Course",
            "Available",
            "Awaiting",
            "Assigned",
            "Return pending",
            "Returned",
            "Awaiting payment",
            "Total",
        ]
    )
    cells = table.get_by_role("row", name=product.name).get_by_role("cell")
    expect(cells).to_have_text([product.name, *map(str, EVERY_COLUMN), str(EVERY_COLUMN_TOTAL)])
    figures = [int(text) for text in cells.all_inner_texts()[1:]]
    assert sum(figures[:-1]) == figures[-1]
    screenshot("groups-page")


def test_a_learner_is_offered_only_training_and_the_shop(page, sign_in, learner):
    sign_in(learner)
    nav = page.get_by_role("navigation", name="Account")
    expect(nav.get_by_role("link")).to_have_text(["My training", "Shop"])


def test_an_order_page_names_its_store_for_help(page, sign_in, agent, order, store):
    sign_in(agent)
    page.goto(f"/account/orders/{order.pk}/")
    footer = page.get_by_role("contentinfo")
    expect(footer).to_have_text(f"Need help? Write to {store.support_email}.")
    expect(footer.get_by_role("link")).to_have_attribute("href", f"mailto:{store.support_email}")


def test_an_agent_pages_through_many_seats_by_number(page, sign_in, screenshot, agent, group):
    order = factories.make_order(seats=500, buyer=agent, group=group)
    sign_in(agent)
    page.goto(f"/account/orders/{order.pk}/?status=available")
    pages = page.get_by_role("navigation", name="Seat pages")
    expect(pages.get_by_role("listitem")).to_have_text(["1", "2", "3", "…", "20"])
    expect(pages.locator("[aria-current=page]")).to_have_text("1")

    pages.get_by_role("link", name="Page 20", exact=True).click()
    expect(pages.get_by_role("listitem")).to_have_text(["1", "…", "18", "19", "20"])
    expect(pages.locator("[aria-current=page]")).to_have_text("20")
    pages.get_by_role("link", name="Page 18", exact=True).click()
    expect(pages.get_by_role("listitem")).to_have_text(["1", "…", "16", "17", "18", "19", "20"])
    assert "status=available" in page.url and "page=18" in page.url
    screenshot("seat-pages")


def test_an_admin_reads_a_seats_history_as_text(page, sign_in, screenshot, order):
    seat = order.seats.first()
    services.assign_seat(seat=seat, actor=order.buyer, email="ann@example.com")
    request = services.request_return(
        seat=seat, actor=order.buyer, reason="<b>Left</b> the company"
    )
    sign_in(factories.make_store_admin(email="admin@example.com"))
    page.goto(f"/admin/seats/seat/{seat.pk}/change/")

    details = page.locator("td.field-event_details")
    expect(details).to_have_text(
        [
            "learner: ann@example.com",
            f"reason: <b>Left</b> the company · return request id: {request.pk}",
        ]
    )
    screenshot("admin-seat-history")
