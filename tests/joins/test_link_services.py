"""Join links: each rule lets in or refuses, a refusal changes nothing, and a claim is a seat
assignment with its event, its actor the learner."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import SeatActionError
from joins import rules, services
from joins.models import JoinClaim, JoinLink
from orders.models import Order
from seats.models import Enrollment, Seat, SeatEvent
from tests import factories


def nothing_changed(order):
    assert not order.seats.exclude(status=Seat.Status.AVAILABLE).exists()
    assert not JoinClaim.objects.exists()
    assert not SeatEvent.objects.filter(seat__order=order, action=SeatEvent.Action.ASSIGN).exists()


def test_a_learner_takes_a_seat_through_the_link(join_link, joiner, order):
    link, token = join_link
    claim = services.join_through_link(token=token, user=joiner)
    seat = Seat.objects.get(pk=claim.seat_id)
    assert seat.status == Seat.Status.ASSIGNED
    assert seat.learner == joiner
    assert seat.order == order
    event = SeatEvent.objects.get(seat=seat, action=SeatEvent.Action.ASSIGN)
    assert event.actor == joiner
    assert event.details == {"learner": joiner.email, "join_link_id": link.pk}
    assert Enrollment.objects.get(learner=joiner).training_url


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"state": JoinLink.State.PAUSED}, "This join link is paused"),
        ({"state": JoinLink.State.REVOKED}, "This join link was withdrawn"),
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "This join link expired on "),
    ],
)
def test_a_closed_link_refuses_and_changes_nothing(join_link, joiner, order, change, message):
    link, token = join_link
    JoinLink.objects.filter(pk=link.pk).update(**change)
    with pytest.raises(SeatActionError, match=message):
        services.join_through_link(token=token, user=joiner)
    nothing_changed(order)


def test_a_full_link_refuses(join_link, order):
    _link, token = join_link
    for n in range(3):
        services.join_through_link(token=token, user=factories.UserFactory())
    with pytest.raises(SeatActionError, match="This join link is full"):
        services.join_through_link(token=token, user=factories.UserFactory())
    assert JoinClaim.objects.count() == 3
    assert order.seats.filter(status=Seat.Status.AVAILABLE).count() == 2


def test_no_seat_left_refuses(order, joiner):
    _link, token = factories.make_join_link(order, cap=50)
    for seat in order.seats.all():
        factories.services.assign_seat(seat=seat, actor=order.buyer, email=f"{seat.pk}@example.com")
    with pytest.raises(SeatActionError, match=r"Every seat of .* is taken for now"):
        services.join_through_link(token=token, user=joiner)
    assert not JoinClaim.objects.exists()


def test_a_claim_passes_over_the_seats_of_an_expired_order(order, agent, group, joiner):
    type(order).objects.filter(pk=order.pk).update(
        seats_valid_until=timezone.now() - timedelta(days=1)
    )
    valid = factories.make_order(
        seats=1, buyer=agent, group=group, product=order.lines.get().product
    )
    _link, token = factories.make_join_link(order, cap=5)

    claim = services.join_through_link(token=token, user=joiner)

    assert Seat.objects.get(pk=claim.seat_id).order == valid
    assert not order.seats.exclude(status=Seat.Status.AVAILABLE).exists()


def test_a_domain_outside_the_list_is_refused(order):
    _link, token = factories.make_join_link(order, allowed_domains="northwind.example")
    stranger = factories.UserFactory(email="sam@elsewhere.example")
    with pytest.raises(SeatActionError, match=r"for addresses at @northwind\.example"):
        services.join_through_link(token=token, user=stranger)
    nothing_changed(order)
    insider = factories.UserFactory(email="sam@Northwind.example")
    assert services.join_through_link(token=token, user=insider).learner == insider


def test_joining_twice_is_refused(join_link, joiner, order):
    _link, token = join_link
    services.join_through_link(token=token, user=joiner)
    with pytest.raises(SeatActionError, match="You already joined"):
        services.join_through_link(token=token, user=joiner)
    assert order.seats.filter(learner=joiner).count() == 1


def test_an_enrolled_learner_is_told_so(join_link, joiner, order, make_learner_with_enrollment):
    _link, token = join_link
    make_learner_with_enrollment(joiner.email)
    with pytest.raises(SeatActionError, match="You are already enrolled"):
        services.join_through_link(token=token, user=joiner)
    nothing_changed(order)


def test_required_questions_must_be_answered(join_link, joiner, order, store):
    question = factories.QuestionFactory(store=store, prompt="Department")
    _link, token = join_link
    with pytest.raises(SeatActionError, match="Answer the required question “Department”"):
        services.join_through_link(token=token, user=joiner)
    nothing_changed(order)
    claim = services.join_through_link(
        token=token, user=joiner, answers={str(question.pk): "Sales"}
    )
    assert claim.seat.answers.get().value == "Sales"


def test_an_unknown_token_is_refused(joiner):
    with pytest.raises(SeatActionError, match="not valid"):
        services.join_through_link(token="nope", user=joiner)


def test_only_the_tokens_hash_is_stored(join_link):
    link, token = join_link
    assert token not in {link.token_hash, link.token_nonce}
    assert services.check_join_token(token) == link


def test_pause_resume_revoke(join_link, agent):
    link, _ = join_link
    assert services.pause_join_link(link=link, actor=agent).state == JoinLink.State.PAUSED
    with pytest.raises(SeatActionError, match="This link is already paused; refresh the page"):
        services.pause_join_link(link=link, actor=agent)
    assert services.resume_join_link(link=link, actor=agent).state == JoinLink.State.ACTIVE
    assert services.revoke_join_link(link=link, actor=agent).state == JoinLink.State.REVOKED
    with pytest.raises(SeatActionError, match="This link is revoked for good"):
        services.resume_join_link(link=link, actor=agent)


def expire(link, state=JoinLink.State.ACTIVE):
    JoinLink.objects.filter(pk=link.pk).update(
        state=state, expires_at=timezone.now() - timedelta(minutes=1)
    )


@pytest.mark.parametrize(
    ("state", "change", "perform"),
    [
        (JoinLink.State.ACTIVE, "pause", services.pause_join_link),
        (JoinLink.State.PAUSED, "resume", services.resume_join_link),
    ],
)
def test_an_expired_link_is_not_paused_or_resumed_but_can_be_revoked(
    join_link, agent, state, change, perform
):
    link, _ = join_link
    expire(link, state)
    with pytest.raises(SeatActionError, match=f"This link expired on .*nothing to {change}"):
        perform(link=link, actor=agent)
    assert JoinLink.objects.get(pk=link.pk).state == state
    assert services.revoke_join_link(link=link, actor=agent).state == JoinLink.State.REVOKED


def test_a_full_link_is_not_paused_but_can_be_revoked(join_link, agent):
    link, token = join_link
    for _ in range(3):
        services.join_through_link(token=token, user=factories.UserFactory())
    with pytest.raises(SeatActionError, match="This link is full: all 3 places are taken"):
        services.pause_join_link(link=link, actor=agent)
    assert services.revoke_join_link(link=link, actor=agent).state == JoinLink.State.REVOKED


@pytest.mark.parametrize(
    ("state", "expired", "claims", "status", "offered"),
    [
        (JoinLink.State.ACTIVE, False, 0, "active", ["pause", "revoke"]),
        (JoinLink.State.PAUSED, False, 0, "paused", ["resume", "revoke"]),
        (JoinLink.State.ACTIVE, True, 0, "expired", ["revoke"]),
        (JoinLink.State.PAUSED, True, 0, "expired", ["revoke"]),
        (JoinLink.State.ACTIVE, False, 3, "full", ["revoke"]),
        (JoinLink.State.PAUSED, False, 3, "full", ["revoke"]),
        (JoinLink.State.REVOKED, True, 3, "revoked", []),
    ],
)
def test_what_a_link_is_and_what_its_page_offers(
    join_link, state, expired, claims, status, offered
):
    link, _ = join_link
    link.state = state
    if expired:
        link.expires_at = timezone.now() - timedelta(minutes=1)
    assert rules.link_status(link, claims=claims) == status
    assert rules.offered_changes(link, claims=claims) == offered


def test_an_agent_of_another_group_cannot_change_a_link(join_link, other_agent):
    link, _ = join_link
    with pytest.raises(SeatActionError, match="not a purchasing agent of this group"):
        services.revoke_join_link(link=link, actor=other_agent)
    assert JoinLink.objects.get(pk=link.pk).state == JoinLink.State.ACTIVE


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cap": 0}, "The cap is a number of people"),
        ({"expires_at": timezone.now() - timedelta(days=1)}, "The expiry must be in the future"),
        ({"allowed_domains": "not a domain!"}, "is not an email domain"),
    ],
)
def test_creating_a_link_refuses_bad_settings(order, product, kwargs, message):
    arguments = {
        "actor": order.buyer,
        "group": order.owner_group,
        "product": product,
        "cap": 5,
        "expires_at": timezone.now() + timedelta(days=1),
    }
    with pytest.raises(SeatActionError, match=message):
        services.create_join_link(**(arguments | kwargs))
    assert not JoinLink.objects.exists()


def open_link(order, product, *, actor=None):
    return services.create_join_link(
        actor=actor or order.buyer,
        group=order.owner_group,
        product=product,
        cap=5,
        expires_at=timezone.now() + timedelta(days=1),
    )


def test_a_link_needs_a_course_the_group_has_seats_in(order):
    with pytest.raises(SeatActionError, match="has no seats in"):
        open_link(order, factories.ProductFactory(store=order.store))


def test_an_agent_of_another_group_cannot_create_a_link(order, product, other_agent):
    with pytest.raises(SeatActionError, match="not a purchasing agent"):
        open_link(order, product, actor=other_agent)


@pytest.mark.parametrize(
    "change",
    [{"seats_valid_until": timezone.now() - timedelta(days=1)}, {"kind": Order.Kind.RETAIL}],
    ids=["expired", "retail"],
)
def test_a_link_needs_seats_the_group_can_still_hand_out(order, product, change):
    Order.objects.filter(pk=order.pk).update(**change)
    with pytest.raises(SeatActionError, match="has no seats in"):
        open_link(order, product)
    assert not JoinLink.objects.exists()
