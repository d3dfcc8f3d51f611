"""A retail order in the admin: marking it paid enrolls its buyer or tells the admin why not, the
buyer reads the same reason on their order, and the admin enrolls them once it is resolved."""

import pytest
from django.urls import reverse

from orders.models import Order
from seats import services as seat_services
from seats.models import Seat
from shop.checkout import place_order
from tests import factories
from tests.support.admin import action_url, change_url, changelist_url

ENROLLED = (
    "customer@example.com already has an active enrollment in Fire Safety 101; ask a store "
    "admin to resolve it before assigning this seat."
)


@pytest.fixture
def retail_order(customer, product):
    return place_order(buyer=customer, product=product, quantity=1)


@pytest.fixture
def enrolled_meanwhile(agent, group, product, customer, retail_order):
    """Between checkout and payment, an agent assigned the retail buyer a seat of their own."""
    seat = factories.make_order(seats=1, buyer=agent, group=group, product=product).seats.get()
    return seat_services.assign_seat(seat=seat, actor=agent, email=customer.email)


def messages_by_level(response) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in response.context["messages"]]


def order_page(client, user, order) -> str:
    client.force_login(user)
    return client.get(reverse("portal:order", args=[order.pk])).content.decode()


def test_marking_paid_tells_the_admin_why_the_buyer_is_not_enrolled(
    client, store_admin, customer, retail_order, enrolled_meanwhile
):
    client.force_login(store_admin)

    response = client.post(action_url(retail_order, "mark-paid"), follow=True)

    assert messages_by_level(response) == [
        ("success", f"Order {retail_order.number} is paid."),
        (
            "warning",
            f"Order {retail_order.number} is paid, but customer@example.com is not enrolled: "
            f"{ENROLLED} Resolve it, then use “Enroll the buyer” on the order's page.",
        ),
    ]
    page = response.content.decode()
    assert "Enroll the buyer" in page
    assert "Buyer&#x27;s enrollment" in page
    assert "can be assigned" not in page
    buyer_page = order_page(client, customer, retail_order)
    assert "you are not enrolled yet" in buyer_page
    assert ENROLLED.replace("'", "&#x27;") in buyer_page
    assert retail_order.store.support_email in buyer_page


def test_marking_paid_from_the_list_warns_about_each_buyer_not_enrolled(
    client, store_admin, retail_order, enrolled_meanwhile, customer, product
):
    enrolled = place_order(buyer=factories.UserFactory(), product=product, quantity=1)
    client.force_login(store_admin)

    response = client.post(
        changelist_url(Order),
        {"action": "mark_paid", "_selected_action": [retail_order.pk, enrolled.pk]},
        follow=True,
    )

    shown = messages_by_level(response)
    assert shown[0] == ("success", "2 orders marked paid.")
    assert shown[1:] == [
        (
            "warning",
            f"Order {retail_order.number} is paid, but customer@example.com is not enrolled: "
            f"{ENROLLED} Resolve it, then use “Enroll the buyer” on the order's page.",
        )
    ]
    assert enrolled.seats.get().status == Seat.Status.ASSIGNED


def test_a_paid_retail_order_that_enrolled_its_buyer_says_so(
    client, store_admin, customer, retail_order
):
    client.force_login(store_admin)

    response = client.post(action_url(retail_order, "mark-paid"), follow=True)

    assert messages_by_level(response) == [
        ("success", f"Order {retail_order.number} is paid and customer@example.com is enrolled.")
    ]
    assert "Enroll the buyer" not in response.content.decode()
    assert "not enrolled" not in order_page(client, customer, retail_order)


def test_enroll_the_buyer_once_the_other_enrollment_is_withdrawn(
    client, store_admin, customer, agent, retail_order, enrolled_meanwhile
):
    client.force_login(store_admin)
    client.post(action_url(retail_order, "mark-paid"), follow=True)
    seat_services.unassign_seat(seat=enrolled_meanwhile, actor=agent)

    response = client.post(action_url(retail_order, "enroll-buyer"), follow=True)

    assert messages_by_level(response) == [
        ("success", f"Order {retail_order.number} enrolled its buyer, customer@example.com.")
    ]
    seat = retail_order.seats.get()
    assert (seat.status, seat.learner) == (Seat.Status.ASSIGNED, customer)
    assert "Enroll the buyer" not in client.get(change_url(retail_order)).content.decode()
    buyer_page = order_page(client, customer, retail_order)
    assert "not enrolled" not in buyer_page
    assert seat.enrollment.training_url in buyer_page


def test_enroll_the_buyer_still_refused_shows_the_reason(
    client, store_admin, retail_order, enrolled_meanwhile
):
    client.force_login(store_admin)
    client.post(action_url(retail_order, "mark-paid"), follow=True)

    response = client.post(
        changelist_url(Order),
        {"action": "enroll_buyers", "_selected_action": [retail_order.pk]},
        follow=True,
    )

    assert messages_by_level(response) == [
        (
            "error",
            f"1 refused ({retail_order.number}): The buyer is still not enrolled: {ENROLLED}",
        )
    ]
    assert retail_order.seats.get().status == Seat.Status.AVAILABLE


def test_the_admin_answers_a_question_added_since_checkout(
    client, store_admin, customer, store, product
):
    badge = factories.QuestionFactory(store=store, product=product, prompt="Badge number")
    order = place_order(buyer=customer, product=product, quantity=1, answers={str(badge.pk): "B-7"})
    shift = factories.QuestionFactory(store=store, prompt="Shift")
    client.force_login(store_admin)
    client.post(action_url(order, "mark-paid"), follow=True)

    page = client.get(change_url(order)).content.decode()
    assert "Answer the required question “Shift”." in page
    assert 'value="B-7"' in page  # the checkout answer, to keep or correct

    client.post(
        action_url(order, "enroll-buyer"),
        {f"enroll-buyer-question_{badge.pk}": "B-7", f"enroll-buyer-question_{shift.pk}": "Night"},
    )

    seat = order.seats.get()
    assert seat.learner == customer
    assert dict(seat.answers.values_list("question__prompt", "value")) == {
        "Badge number": "B-7",
        "Shift": "Night",
    }


def test_a_bulk_order_page_shows_no_buyer_enrollment(client, store_admin, order):
    client.force_login(store_admin)

    page = client.get(change_url(order)).content.decode()

    assert "Buyer&#x27;s enrollment" not in page
    assert "Enroll the buyer" not in page


def test_a_retail_order_offers_no_owner_group_to_set(client, store_admin, retail_order):
    client.force_login(store_admin)
    page = client.get(change_url(retail_order)).content.decode()
    assert "Set the owner group of its seats" not in page
    bulk = factories.make_order(seats=1)
    assert "Set the owner group of its seats" in client.get(change_url(bulk)).content.decode()
