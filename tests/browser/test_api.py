"""An agent makes an API key on the API access page, uses it, revokes it; the API's docs page
runs in the browser from our own static files, under our Content Security Policy."""

import pytest
from playwright.sync_api import expect

from tests.support.api import ApiClient


@pytest.mark.django_db(transaction=True)
def test_agent_makes_uses_and_revokes_a_key(page, sign_in, screenshot, agent, order):
    sign_in(agent)
    page.get_by_role("link", name="Account", exact=True).click()
    page.get_by_role("navigation", name="Account settings").get_by_role(
        "link", name="API access"
    ).click()
    page.get_by_label("Name").fill("HR sync")
    page.get_by_role("button", name="Make a key").click()
    key = page.locator("#new-key").inner_text()
    expect(page.get_by_text("shown only this once")).to_be_visible()
    screenshot("api-access-new-key")

    assert ApiClient(key).get("/orders").json()["items"][0]["number"] == order.number

    page.reload()
    expect(page.locator("#new-key")).to_have_count(0)
    expect(page.get_by_role("cell", name="HR sync")).to_be_visible()
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("no longer works")).to_be_visible()
    assert ApiClient(key).get("/orders").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_the_docs_page_runs_from_our_static_files(page, live_server, screenshot):
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:")
            else None
        ),
    )
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", name="Seatstore API")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("/api/v1/seats/{seat_id}/assign").first).to_be_visible()
    screenshot("api-docs")
    assert outside == []
    assert problems == []
