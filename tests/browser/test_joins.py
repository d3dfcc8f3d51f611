"""An agent shares a join link and a learner registers through it and starts training; a learner
asks for a seat through the group's request link, the agent approves, and the answer is in the
learner's mail."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.factories import (
    PASSWORD,
    ProductFactory,
    PurchasingGroupFactory,
    QuestionFactory,
    StoreFactory,
    make_agent,
    make_order,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agent(live_server, settings):
    """An HR manager with ten paid seats of Fire Safety 101 for the warehouse staff; the store
    asks for an employee number."""
    settings.SITE_URL = live_server.url
    settings.CAMPUS_BASE_URL = f"{live_server.url}/campus"
    cache.clear()
    store = StoreFactory(name="Northwind Training", slug="northwind")
    group = PurchasingGroupFactory(store=store, name="Warehouse staff")
    agent = make_agent(group, email="hannah.reyes@northwind.example", first_name="Hannah",
                       last_name="Reyes")  # fmt: skip
    product = ProductFactory(store=store, name="Fire Safety 101")
    make_order(seats=10, buyer=agent, group=group, product=product)
    QuestionFactory(store=store, prompt="Employee number", help_text="On your badge.")
    return agent


@pytest.fixture
def learner_page(_browser, live_server):
    """A second browser, the learner's, with cookies of its own."""
    context = _browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def learner_screenshot(page, name: str) -> None:
    """The learner's browser, as the ``screenshot`` fixture takes the agent's."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def register(page, *, email, first_name):
    """Register from the page the learner is on, confirm the address from the outbox (a shared
    link proves no address), and come back to that page signed in."""
    back = page.url
    page.get_by_label("Email").fill(email)
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill("Taylor")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account and continue").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto("/dev/outbox/")
    page.get_by_role("link", name="Confirm your email address").first.click()
    page.frame_locator("iframe").get_by_role("link", name="Confirm my address").click()
    page.get_by_role("button", name="Confirm my address").click()
    page.goto(back)


def test_a_learner_registers_through_a_join_link_and_the_agent_sees_them(
    page, learner_page, agent, sign_in, screenshot
):
    sign_in(agent)
    page.get_by_role("link", name="Join links").click()
    page.get_by_label("Purchasing group").select_option(label="Warehouse staff")
    page.get_by_label("Course").select_option(label="Fire Safety 101")
    page.get_by_label("Places").fill("5")
    page.get_by_label("Only addresses at").fill("northwind.example")
    page.get_by_role("button", name="Create link").click()
    expect(page.get_by_text("The join link is ready")).to_be_visible()
    screenshot("join-link-created")
    url = page.get_by_label("Join link").input_value()

    learner_page.goto(url)
    expect(learner_page).to_have_url(re.compile(r"/join/claim/\d+/$"))  # the token left the URL
    expect(learner_page.get_by_text("5 of 5")).to_be_visible()
    learner_screenshot(learner_page, "join-link-register")
    register(learner_page, email="sam@northwind.example", first_name="Sam")
    learner_page.get_by_label("Employee number").fill("E-1001")
    learner_screenshot(learner_page, "join-link-questions")
    learner_page.get_by_role("button", name="Join").click()

    expect(
        learner_page.get_by_role("heading", name="You're enrolled in Fire Safety 101")
    ).to_be_visible()
    expect(learner_page.get_by_role("link", name="Start training")).to_have_attribute(
        "href", re.compile(r"/campus/")
    )

    page.reload()
    expect(page.get_by_text("1 of 5 places taken")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("sam@northwind.example"))).to_be_visible()
    screenshot("join-link-joined")


def test_a_learner_asks_for_a_seat_and_the_agent_approves(
    page, learner_page, agent, sign_in, screenshot
):
    sign_in(agent)
    page.get_by_role("link", name="Seat requests").click()
    page.get_by_role("button", name="Create a request link").click()
    url = page.get_by_label(re.compile("Request link")).input_value()

    learner_page.goto(url)
    learner_page.get_by_role("link", name="Create an account").click()
    register(learner_page, email="robin@contractors.example", first_name="Robin")
    learner_page.get_by_role("link", name="Ask for a seat in Fire Safety 101").click()
    learner_page.get_by_label("Employee number").fill("C-77")
    learner_page.get_by_label("Note to the purchasing agent").fill("I start on Monday.")
    learner_screenshot(learner_page, "seat-request-form")
    learner_page.get_by_role("button", name="Send request").click()
    expect(learner_page.get_by_text("Your request for Fire Safety 101 went to")).to_be_visible()

    page.reload()
    expect(page.get_by_role("link", name=re.compile("Seat requests 1"))).to_be_visible()
    expect(page.get_by_text("“I start on Monday.”")).to_be_visible()
    screenshot("seat-request-queue")
    page.get_by_label("Note to robin@contractors.example").fill("Welcome aboard!")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved: robin@contractors.example has a seat")).to_be_visible()

    learner_page.goto("/dev/outbox/")
    learner_page.get_by_role(
        "link", name="Your request for a seat in Fire Safety 101 was approved"
    ).click()
    mail = learner_page.frame_locator("iframe")
    expect(mail.get_by_text("Welcome aboard!")).to_be_visible()
    expect(mail.get_by_role("link", name="Start training")).to_be_visible()
    learner_screenshot(learner_page, "seat-request-approved-email")
