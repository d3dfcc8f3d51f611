"""The learner's email about their seat request says what was decided, with the agent's note,
and, when approved, the training link."""

import pytest

from joins import services
from joins.emails import JoinEmail
from notifications.emails import render
from notifications.models import OutboundEmail


@pytest.fixture
def seat_request(group, agent, product, joiner):
    return services.request_seat(learner=joiner, group=group, product=product, via_link=True)


def test_an_approval_gives_the_training_link(seat_request, agent, product):
    approved = services.approve_seat_request(request=seat_request, actor=agent, note="Enjoy!")
    subject, text, html = render(OutboundEmail.objects.get(kind=JoinEmail.REQUEST_DECIDED))
    assert subject == f"Your request for a seat in {product} was approved"
    assert approved.seat.enrollment.training_url in text
    assert "Enjoy!" in text
    assert approved.seat.enrollment.training_url in html


def test_a_decline_gives_the_note_and_no_training_link(seat_request, agent, product):
    services.decline_seat_request(request=seat_request, actor=agent, note="Next <b>term</b>")
    subject, text, html = render(OutboundEmail.objects.get(kind=JoinEmail.REQUEST_DECIDED))
    assert subject == f"Your request for a seat in {product} was declined"
    assert "Next <b>term</b>" in text
    assert "Next &lt;b&gt;term&lt;/b&gt;" in html
    assert "Start training" not in html
