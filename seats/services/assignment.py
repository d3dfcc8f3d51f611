"""Assign, unassign and transfer: the agent hands a seat to a named learner directly."""

from accounts.models import User
from core.errors import SeatActionError
from groups.models import PurchasingGroup
from notifications.services import queue_email

from ..emails import SeatEmail
from ..lms import campus
from ..models import Seat, SeatEvent
from ._base import (
    acting_on,
    clean_answers,
    lock_enrollment,
    refusing_conflicts,
    require,
    require_no_active_enrollment,
    save_answers,
    transition,
)
from .learners import find_or_invite_learner
from .ownership import apply_owner_group


@refusing_conflicts
def assign_seat(
    *,
    seat: Seat | int,
    actor: User,
    email: str,
    first_name: str = "",
    last_name: str = "",
    answers: dict | None = None,
    owner_group: PurchasingGroup | None = None,
    expected_version: int | None = None,
    details: dict | None = None,
    notify: bool = True,
) -> Seat:
    """Give an available seat to the learner with this email, enrolling them at once. An unknown
    email gets an account and an invitation instead of the assignment notice. ``details`` say
    what led to it (a seat request) in the event; ``notify=False`` is for a caller whose own
    email tells the learner (an approved request)."""
    with acting_on(seat, actor=actor, expected_version=expected_version) as seat:
        require(seat, SeatEvent.Action.ASSIGN)
        product = seat.order_line.product
        cleaned = clean_answers(product, answers)
        learner, created = find_or_invite_learner(email, first_name=first_name, last_name=last_name)
        require_no_active_enrollment(product, learner.email)
        if owner_group is not None and owner_group.pk != seat.owner_group_id:
            apply_owner_group(seat, owner_group, actor=actor)
        hand_over(
            seat,
            SeatEvent.Action.ASSIGN,
            actor=actor,
            learner=learner,
            answers=cleaned,
            invited=created,
            details={"learner": learner.email, **(details or {})},
            notify=notify or created,
        )
    return seat


@refusing_conflicts
def take_seat(
    *, seat: Seat | int, learner: User, answers: dict | None = None, details: dict
) -> Seat:
    """A learner takes an available seat for themselves through a door an agent opened (a join
    link). The caller decided, under its own lock, that the door lets them in and chose the
    seat; the seat's rules are the assignment's, checked here. The learner is the event's actor
    and ``details`` name the door."""
    with acting_on(seat, actor=None) as seat:
        require(seat, SeatEvent.Action.ASSIGN)
        product = seat.order_line.product
        cleaned = clean_answers(product, answers)
        require_no_active_enrollment(product, learner.email)
        hand_over(
            seat,
            SeatEvent.Action.ASSIGN,
            actor=learner,
            learner=learner,
            answers=cleaned,
            invited=False,
            details={"learner": learner.email, **details},
        )
    return seat


@refusing_conflicts
def enroll_retail_buyer(
    *, seat: Seat | int, answers: dict | None = None, actor: User | None = None
) -> Seat:
    """A paid retail order's one seat goes to its buyer, who bought it for themselves, with the
    answers they gave at checkout: the system assigns it on payment (``actor=None``), a store
    admin once the reason it was refused is resolved."""
    with acting_on(seat, actor=actor) as seat:
        require(seat, "enroll_buyer")
        product, buyer = seat.order_line.product, seat.order.buyer
        cleaned = clean_answers(product, answers)
        require_no_active_enrollment(product, buyer.email)
        hand_over(
            seat,
            SeatEvent.Action.ASSIGN,
            actor=actor,
            learner=buyer,
            answers=cleaned,
            invited=False,
            details={"learner": buyer.email, "retail": True},
        )
    return seat


def hand_over(
    seat: Seat,
    action: SeatEvent.Action,
    *,
    actor: User | None,
    learner: User,
    answers: dict,
    invited: bool,
    details: dict,
    notify: bool = True,
) -> None:
    """What every way of giving a locked seat to a learner does once the rules passed: enroll
    them in Campus, move the seat, keep their answers, tell them (unless the caller does)."""
    enrollment = campus().enroll(learner=learner, product=seat.order_line.product, seat=seat)
    transition(
        seat,
        action,
        actor=actor,
        details=details,
        learner=learner,
        enrollment=enrollment,
    )
    save_answers(seat, learner, answers)
    if notify:
        notify_learner(seat, learner, invited=invited)


def notify_learner(seat: Seat, learner: User, *, invited: bool) -> None:
    kind = SeatEmail.INVITATION if invited else SeatEmail.ASSIGNMENT_NOTICE
    queue_email(kind=kind, to=learner.email, context={"seat_id": seat.pk, "user_id": learner.pk})


@refusing_conflicts
def unassign_seat(*, seat: Seat | int, actor: User, expected_version: int | None = None) -> Seat:
    """Take an assigned seat back: its enrollment is withdrawn and the seat is available."""
    with acting_on(seat, actor=actor, expected_version=expected_version) as seat:
        lock_enrollment(seat)
        require(seat, SeatEvent.Action.UNASSIGN)
        enrollment, learner = seat.enrollment, seat.learner
        transition(
            seat,
            SeatEvent.Action.UNASSIGN,
            actor=actor,
            details={"learner": learner.email if learner else None},
        )
        if enrollment is not None:
            campus().withdraw(enrollment)
    return seat


@refusing_conflicts
def transfer_seat(
    *,
    seat: Seat | int,
    actor: User,
    email: str,
    first_name: str = "",
    last_name: str = "",
    answers: dict | None = None,
    expected_version: int | None = None,
) -> Seat:
    """Unassign and assign to someone else as one action: nobody else can take the seat between."""
    with acting_on(seat, actor=actor, expected_version=expected_version) as seat:
        lock_enrollment(seat)
        require(seat, SeatEvent.Action.TRANSFER)
        product = seat.order_line.product
        cleaned = clean_answers(product, answers)
        learner, created = find_or_invite_learner(email, first_name=first_name, last_name=last_name)
        previous_learner, previous_enrollment = seat.learner, seat.enrollment
        if learner.pk == previous_learner.pk:
            raise SeatActionError(f"This seat is already assigned to {learner.email}.")
        require_no_active_enrollment(product, learner.email)
        campus().withdraw(previous_enrollment)
        hand_over(
            seat,
            SeatEvent.Action.TRANSFER,
            actor=actor,
            learner=learner,
            answers=cleaned,
            invited=created,
            details={"from_learner": previous_learner.email, "to_learner": learner.email},
        )
    return seat
