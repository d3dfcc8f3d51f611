"""Seat requests: who may ask, one pending request per learner and course, approval assigns a
seat through the assignment service (and its rules), the learner is emailed either way."""

import pytest
from django.db import IntegrityError

from core.errors import SeatActionError
from joins import services
from joins.emails import JoinEmail
from joins.models import RequestLink, SeatRequest
from notifications.models import OutboundEmail
from seats.models import Seat, SeatEvent
from tests import factories


@pytest.fixture
def open_group(group, agent):
    services.set_request_domains(group=group, actor=agent, domains="northwind.example")
    return group


@pytest.fixture
def seat_request(open_group, product, joiner):
    return services.request_seat(
        learner=joiner, group=open_group, product=product, note="For the new role"
    )


def test_a_learner_at_an_allowed_domain_asks(seat_request, joiner):
    assert seat_request.state == SeatRequest.State.PENDING
    assert seat_request.note == "For the new role"


def test_a_learner_at_another_domain_may_not_ask(open_group, product):
    stranger = factories.UserFactory(email="sam@elsewhere.example")
    with pytest.raises(SeatActionError, match="takes seat requests from its own people only"):
        services.request_seat(learner=stranger, group=open_group, product=product)
    assert not SeatRequest.objects.exists()


def test_the_request_link_lets_anyone_ask(group, product):
    stranger = factories.UserFactory(email="sam@elsewhere.example")
    request = services.request_seat(learner=stranger, group=group, product=product, via_link=True)
    assert request.state == SeatRequest.State.PENDING


def test_one_pending_request_per_learner_and_course(seat_request, open_group, product, joiner):
    with pytest.raises(SeatActionError, match="You already asked for a seat"):
        services.request_seat(learner=joiner, group=open_group, product=product)
    assert SeatRequest.objects.count() == 1


@pytest.mark.postgres
def test_the_database_refuses_a_second_pending_request(seat_request):
    with pytest.raises(IntegrityError):
        SeatRequest.objects.create(
            group=seat_request.group, product=seat_request.product, learner=seat_request.learner
        )


def test_an_enrolled_learner_may_not_ask(open_group, product, joiner, make_learner_with_enrollment):
    make_learner_with_enrollment(joiner.email)
    with pytest.raises(SeatActionError, match="You are already enrolled"):
        services.request_seat(learner=joiner, group=open_group, product=product)


def test_a_course_the_group_has_no_seats_in_is_refused(open_group, joiner, store):
    other = factories.ProductFactory(store=store)
    with pytest.raises(SeatActionError, match="has no seats in"):
        services.request_seat(learner=joiner, group=open_group, product=other)


def test_required_answers_are_checked_when_asking(open_group, product, joiner, store):
    question = factories.QuestionFactory(store=store, prompt="Department")
    with pytest.raises(SeatActionError, match="Answer the required question"):
        services.request_seat(learner=joiner, group=open_group, product=product)
    request = services.request_seat(
        learner=joiner, group=open_group, product=product, answers={str(question.pk): "Ops"}
    )
    assert request.answers == {str(question.pk): "Ops"}


def test_approving_assigns_a_seat_and_emails_the_learner(seat_request, agent, joiner, order):
    approved = services.approve_seat_request(request=seat_request, actor=agent, note="Enjoy")
    assert approved.state == SeatRequest.State.APPROVED
    seat = Seat.objects.get(pk=approved.seat_id)
    assert (seat.status, seat.learner, seat.order) == (Seat.Status.ASSIGNED, joiner, order)
    event = SeatEvent.objects.get(seat=seat, action=SeatEvent.Action.ASSIGN)
    assert event.actor == agent
    assert event.details == {"learner": joiner.email, "seat_request_id": seat_request.pk}
    emails = OutboundEmail.objects.filter(to_email=joiner.email)
    assert list(emails.values_list("kind", flat=True)) == [JoinEmail.REQUEST_DECIDED]


def test_approving_keeps_the_answers_given_when_asking(open_group, product, joiner, agent, store):
    question = factories.QuestionFactory(store=store, prompt="Department")
    request = services.request_seat(
        learner=joiner, group=open_group, product=product, answers={str(question.pk): "Ops"}
    )
    approved = services.approve_seat_request(request=request, actor=agent)
    assert approved.seat.answers.get().value == "Ops"


def test_approving_without_a_seat_left_is_refused(seat_request, agent, order):
    for seat in order.seats.all():
        factories.services.email_redemption(seat=seat, actor=agent, email=f"{seat.pk}@example.com")
    with pytest.raises(SeatActionError, match="has no available seat in"):
        services.approve_seat_request(request=seat_request, actor=agent)
    seat_request.refresh_from_db()
    assert seat_request.state == SeatRequest.State.PENDING
    assert not OutboundEmail.objects.filter(kind=JoinEmail.REQUEST_DECIDED).exists()


def test_declining_emails_the_learner_with_the_note(seat_request, agent, order):
    declined = services.decline_seat_request(request=seat_request, actor=agent, note="Next term")
    assert (declined.state, declined.decision_note) == (SeatRequest.State.DECLINED, "Next term")
    assert not order.seats.exclude(status=Seat.Status.AVAILABLE).exists()
    email = OutboundEmail.objects.get(kind=JoinEmail.REQUEST_DECIDED)
    assert email.to_email == seat_request.learner.email


def test_a_decided_request_cannot_be_decided_again(seat_request, agent):
    services.decline_seat_request(request=seat_request, actor=agent)
    with pytest.raises(SeatActionError, match="already declined"):
        services.approve_seat_request(request=seat_request, actor=agent)
    assert not Seat.objects.filter(status=Seat.Status.ASSIGNED).exists()


def test_an_agent_of_another_group_cannot_decide(seat_request, other_agent):
    with pytest.raises(SeatActionError, match="not a purchasing agent"):
        services.approve_seat_request(request=seat_request, actor=other_agent)
    seat_request.refresh_from_db()
    assert seat_request.state == SeatRequest.State.PENDING


def test_replacing_the_request_link_kills_the_old_one(group, agent):
    first = services.replace_request_link(group=group, actor=agent)
    old_hash = first.token_hash
    second = services.replace_request_link(group=group, actor=agent)
    assert RequestLink.objects.get().token_hash == second.token_hash != old_hash


def test_domains_are_normalised_and_replaced(group, agent):
    services.set_request_domains(group=group, actor=agent, domains="@Northwind.example, a.example")
    assert services.set_request_domains(group=group, actor=agent, domains="a.example") == [
        "a.example"
    ]
    assert list(group.request_domains.values_list("domain", flat=True)) == ["a.example"]
