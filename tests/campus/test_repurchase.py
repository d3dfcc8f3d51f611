"""A learner's result from Campus decides whether they may buy the course again, as the store's
re-purchase options say: finished in the stand-in Campus, then tried in the shop."""

import pytest
from django.urls import reverse

from orders.models import Order

STEPS = {"failed": ["start", "fail"], "passed": ["start", "pass"], "started": ["start"]}


def finish(client, enrollment, outcome: str) -> None:
    for step in STEPS[outcome]:
        client.post(enrollment.training_url, {"step": step})


def buy_again(client, product):
    return client.post(reverse("shop:product", args=[product.pk]))


@pytest.mark.parametrize(
    ("outcome", "after_failed", "after_passed", "refusal"),
    [
        ("failed", False, True, "You completed {course} and did not pass"),
        ("failed", True, False, None),
        ("passed", True, False, "You completed {course} and passed"),
        ("passed", False, True, None),
        ("started", True, True, "You are enrolled in {course}"),
    ],
)
def test_the_result_decides_a_repurchase(
    client, store, enrollment, outcome, after_failed, after_passed, refusal
):
    store.block_purchase_when_enrolled = True
    store.allow_repurchase_after_failed = after_failed
    store.allow_repurchase_after_passed = after_passed
    store.save()
    learner, course = enrollment.learner, enrollment.product
    client.force_login(learner)
    finish(client, enrollment, outcome)

    response = buy_again(client, course)

    placed = Order.objects.filter(buyer=learner)
    if refusal is None:
        assert response.status_code == 302
        assert placed.get().is_retail
    else:
        assert response.status_code == 200
        assert refusal.format(course=course) in response.text
        assert not placed.exists()
