"""What every seat action shares: lock the seat, check who acts, run the transition, write the
event. Each public service composes these inside one ``transaction.atomic()``."""

import logging
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from functools import wraps

from django.db import IntegrityError, transaction
from django_fsm import ConcurrentTransition

from accounts.models import User
from core.errors import SeatActionError

from .. import access, data_rules, rules
from ..events import Event, record_events
from ..models import Enrollment, Seat, SeatEvent, SupplementalAnswer, SupplementalQuestion

logger = logging.getLogger("seats")

CONSTRAINT_MESSAGES = {
    "one_active_enrollment_per_learner_and_product": (
        "This learner already has an active enrollment in this course; ask a store admin to "
        "resolve it before assigning this seat."
    ),
    "one_live_redemption_per_seat": "A redemption link for this seat was just sent by someone "
    "else; refresh the page.",
    "one_pending_return_per_seat": "A return for this seat was just requested; refresh the page.",
}


def refusing_conflicts(func: Callable) -> Callable:
    """Turn the database's last-line refusals (constraints, concurrent transitions) into the same
    SeatActionError the rules raise, after the transaction has rolled back."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except IntegrityError as error:
            for name, message in CONSTRAINT_MESSAGES.items():
                if name in str(error):
                    raise SeatActionError(message) from error
            raise
        except ConcurrentTransition as error:
            raise SeatActionError(
                "This seat was changed by someone else at the same time; refresh the page."
            ) from error

    return wrapper


def lock_seat(seat: Seat | int) -> Seat:
    """The seat, locked, then read with what the rules need to look at. Two statements on
    purpose: a statement that waits for the lock returns the new seat row but joins it to the
    rows its snapshot saw, so a learner or enrollment changed by the lock holder would read as
    missing."""
    seat_id = seat if isinstance(seat, int) else seat.pk
    Seat.objects.select_for_update().filter(pk=seat_id).values_list("pk", flat=True).get()
    return Seat.objects.select_related(
        "order__store", "order__buyer", "order_line__product", "enrollment", "learner"
    ).get(pk=seat_id)


@contextmanager
def acting_on(seat: Seat | int, *, actor: User | None, expected_version: int | None = None):
    """Open the transaction, lock the seat and check that the actor may manage it.
    ``actor=None`` is the system (expiry, reminders)."""
    with transaction.atomic():
        locked = lock_seat(seat)
        if actor is not None and not access.can_manage_seat(actor, locked):
            raise SeatActionError("You don't manage this seat.")
        if expected_version is not None and expected_version != locked.version:
            raise SeatActionError(
                "This seat changed since you opened the page; review it and try again."
            )
        yield locked


def require_store_admin(actor: User) -> None:
    if not access.is_store_admin(actor):
        raise SeatActionError("Only a store admin can do this.")


def refuse_first(problems: Iterable[str | None]) -> None:
    """Refuse with the first problem a rule found; the bulk imports report them all."""
    for problem in problems:
        if problem:
            raise SeatActionError(problem)


def require(seat: Seat, action: str) -> None:
    """Refuse, with the first problem the action's rules find, an action on a locked seat."""
    refuse_first(rules.problems(seat, action))


def lock_enrollment(seat: Seat) -> None:
    """Read the held seat's enrollment again under its row lock, before a rule looks at its
    progress: the learner may be starting the course right now, and a seat must not go back from
    under someone who started."""
    if seat.enrollment_id is not None:
        seat.enrollment = Enrollment.objects.select_for_update().get(pk=seat.enrollment_id)


def transition(
    seat: Seat,
    action: SeatEvent.Action,
    *,
    actor: User | None,
    details: dict | None = None,
    **kwargs,
) -> Event:
    """Run the action's transition on a locked seat, save it and write its event. The state
    graph is checked again here, whatever the caller checked before."""
    problem = rules.state_allows(action)(seat)
    if problem:
        raise SeatActionError(problem)
    from_status = seat.status
    getattr(seat, rules.TRANSITIONS[action][0])(**kwargs)
    seat.save()
    return record_event(seat, action, from_status=from_status, actor=actor, details=details)


def record_event(
    seat: Seat,
    action: SeatEvent.Action,
    *,
    from_status: str,
    actor: User | None,
    details: dict | None = None,
) -> Event:
    actor_id = getattr(actor, "pk", None)
    logger.info(
        "seat %s %s: %s -> %s",
        seat.pk,
        action,
        from_status,
        seat.status,
        extra={"seat_id": seat.pk, "action": str(action), "actor_id": actor_id},
    )
    return record_events(
        [Event(seat.pk, action, from_status, seat.status, actor_id, details or {})]
    )[0]


def require_no_active_enrollment(product, email: str) -> None:
    refuse_first(data_rules.enrollment_problems(product, [email]).values())


def questions_for(product) -> list[SupplementalQuestion]:
    """The active questions of a product: its own and its store's."""
    from django.db.models import Q

    return list(
        SupplementalQuestion.objects.filter(store_id=product.store_id, is_active=True).filter(
            Q(product__isnull=True) | Q(product_id=product.pk)
        )
    )


def clean_answers(product, answers: dict | None) -> dict[SupplementalQuestion, str]:
    """The answers to save for the product's questions; refuse with the first problem."""
    questions = questions_for(product)
    refuse_first(data_rules.answer_problems(questions, answers))
    return data_rules.answers_to_keep(questions, answers)


def save_answers(seat: Seat, learner: User, answers: dict[SupplementalQuestion, str]) -> None:
    SupplementalAnswer.objects.bulk_create(
        [
            SupplementalAnswer(seat=seat, question=q, learner=learner, value=v)
            for q, v in answers.items()
        ]
    )
