"""An agent connects their HR system in a real browser: adds an endpoint (a private address is
refused), copies the secret, sends a test event, assigns a seat and reads the delivery log."""

import pytest
from playwright.sync_api import expect

from tests.support.webhook_receiver import running_receiver
from webhooks.models import Endpoint


@pytest.mark.django_db(transaction=True)
def test_agent_adds_an_endpoint_and_sees_its_deliveries(page, sign_in, screenshot, agent, order):
    seat = order.seats.order_by("pk").first()
    sign_in(agent)
    page.get_by_role("link", name="Account", exact=True).click()
    page.get_by_role("navigation", name="Account settings").get_by_role(
        "link", name="Webhooks"
    ).click()

    page.get_by_label("URL").fill("http://10.0.0.8/hooks")
    page.get_by_label("Seat assigned").check()
    page.get_by_role("button", name="Add the endpoint").click()
    expect(
        page.get_by_text("10.0.0.8 is a private, loopback or link-local address")
    ).to_be_visible()

    with running_receiver() as receiver:
        page.get_by_label("URL").fill(receiver.url)
        page.get_by_label("Description").fill("HR system")
        page.get_by_role("button", name="Add the endpoint").click()
        endpoint = Endpoint.objects.get()
        receiver.secret = endpoint.secret
        expect(page.get_by_text(endpoint.secret)).to_be_visible()
        screenshot("webhooks-secret")

        page.get_by_role("button", name="Send test event").click()
        expect(page.get_by_text("A test event is on its way")).to_be_visible()

        page.goto(f"/account/seats/{seat.pk}/assign/")
        page.get_by_label("Learner's email").fill("ada@example.com")
        page.get_by_role("button", name="Assign").click()
        expect(page.get_by_text(f"Seat {seat.pk} is assigned to ada@example.com")).to_be_visible()

        page.goto(f"/account/webhooks/{endpoint.pk}/")
        log = page.get_by_role("table", name="Deliveries, newest first")
        expect(log.get_by_role("row")).to_have_count(3)
        expect(log.get_by_text("Delivered")).to_have_count(2)
        expect(log.get_by_text("seat.assigned")).to_be_visible()
        expect(page.get_by_text(endpoint.secret)).to_have_count(0)
        screenshot("webhooks-delivery-log")

    assert [p["type"] for p in receiver.payloads] == ["webhook.test", "seat.assigned"]
    assert receiver.unverified == 0
