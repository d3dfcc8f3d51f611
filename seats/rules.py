"""Whether an action may happen to a seat, decided in one place.

Each rule looks at a seat (with its order and store, and its enrollment where it matters) and
returns the problem it finds, a sentence for the person who tried, or ``None``. ``CHECKS`` lists
the rules of every action. The services raise the first problem under the seat's lock; the order
page and the admin offer an action only where its rules find none; the bulk imports collect the
problems of every row. So what a page offers, what a service refuses and what an import reports
are the same rules, with the same words.

Rules about the data an action brings (an address, answers, a learner's other enrollments) live
in ``seats.data_rules``, which the services, the forms and the bulk imports share.
"""

from collections.abc import Callable

from django.utils import timezone
from django.utils.dateformat import format as format_date
from django_fsm import can_proceed

from orders.models import Order

from .models import Enrollment, Seat

Action = str  # a SeatEvent.Action value
Rule = Callable[[Seat], str | None]

# Each action's transition in the state graph, and what the seat "cannot be" where the graph
# does not allow it: "This seat is Assigned, so it cannot be emailed."
TRANSITIONS: dict[Action, tuple[str, str]] = {
    "assign": ("assign", "assigned"),
    "email_redemption": ("email_redemption", "emailed"),
    "resend": ("resend_redemption", "resent (no link is waiting)"),
    "correct_recipient": ("resend_redemption", "sent to another address (no link is waiting)"),
    "cancel_redemption": ("cancel_redemption", "cancelled (no link is waiting)"),
    "redeem": ("redeem", "redeemed"),
    "expire": ("expire", "expired"),
    "unassign": ("unassign", "unassigned"),
    "transfer": ("transfer", "transferred"),
    "request_return": ("request_return", "returned"),
    "approve_return": ("approve_return", "approved for return (no return is pending)"),
    "deny_return": ("deny_return", "denied a return (no return is pending)"),
    "refund": ("refund", "refunded (only an available seat can be)"),
}

# The owner group can change while nobody holds the seat and it was not returned for good.
GROUP_MOVABLE = (Seat.Status.AVAILABLE, Seat.Status.AWAITING)


def order_hands_out(order: Order) -> str | None:
    """A retail order is one seat for its buyer: nobody hands it out to someone else."""
    if order.is_retail:
        return (
            f"Order {order.number} is a retail purchase: its one seat is for its buyer and "
            "cannot be handed out to someone else."
        )
    return None


def order_paid(order: Order) -> str | None:
    if not order.is_paid:
        return (
            f"Order {order.number} is awaiting payment; its seats can be assigned or emailed "
            "once it is paid."
        )
    return None


def order_valid(order: Order) -> str | None:
    """Unused seats stop being usable when the order's validity ends (docs/decisions/0011);
    the seats already held stay with their learners, so only the actions that hand a seat out
    (or take it, for a recipient) ask."""
    until = order.seats_valid_until
    if until is None or timezone.now() < until:
        return None
    return (
        f"Seats of order {order.number} expired on "
        f"{format_date(timezone.localtime(until), 'j F Y')}; ask the store to extend them."
    )


def order_problems(order: Order) -> list[str]:
    """Why no seat of this order can be handed out now (the bulk imports' first check)."""
    rules = (order_hands_out, order_paid, order_valid)
    return [problem for rule in rules if (problem := rule(order))]


def state_allows(action: Action) -> Rule:
    method, verb = TRANSITIONS[action]

    def rule(seat: Seat) -> str | None:
        if can_proceed(getattr(seat, method)):
            return None
        return (
            f"This seat is {seat.get_status_display()}, so it cannot be {verb}. "
            "Refresh the page to see its current state."
        )

    return rule


def hands_out(seat: Seat) -> str | None:
    return order_hands_out(seat.order)


def retail(seat: Seat) -> str | None:
    if not seat.order.is_retail:
        return "Only the seat of a retail order goes to its buyer when it is paid."
    return None


def paid(seat: Seat) -> str | None:
    return order_paid(seat.order)


def valid(seat: Seat) -> str | None:
    return order_valid(seat.order)


def no_return_pending(seat: Seat) -> str | None:
    if seat.status == Seat.Status.RETURN_PENDING:
        return "A return request for this seat is pending; wait for the store's decision first."
    return None


def learner_not_started(seat: Seat) -> str | None:
    """A seat goes back only while its learner has not started the course. The services lock
    the enrollment before asking (``lock_enrollment``): the learner may be starting right now."""
    if seat.status != Seat.Status.ASSIGNED or seat.enrollment is None:
        return None
    if seat.enrollment.status == Enrollment.Status.NOT_STARTED:
        return None
    who = seat.learner.email if seat.learner else "The learner"
    return (
        f"{who} has already started {seat.order_line.product}; a seat can only be unassigned "
        "or transferred before the learner starts. Request a return instead."
    )


def returns_accepted(seat: Seat) -> str | None:
    store = seat.order.store
    if not store.returns_allowed:
        return f"{store} does not accept returns. Contact {store.support_email} for help."
    return None


def group_movable(seat: Seat) -> str | None:
    if seat.status in GROUP_MOVABLE:
        return None
    if seat.is_held:
        return "The owner group of an assigned seat cannot be changed; unassign it first."
    return f"The owner group of a {seat.get_status_display().lower()} seat cannot be changed."


CHECKS: dict[Action, tuple[Rule, ...]] = {
    "assign": (state_allows("assign"), hands_out, paid, valid),
    "enroll_buyer": (state_allows("assign"), retail, paid, valid),
    "email_redemption": (state_allows("email_redemption"), hands_out, paid, valid),
    "resend": (state_allows("resend"), hands_out, valid),
    "correct_recipient": (state_allows("correct_recipient"), hands_out, valid),
    "cancel_redemption": (state_allows("cancel_redemption"), hands_out),
    "redeem": (state_allows("redeem"), paid, valid),
    "expire": (state_allows("expire"),),
    "unassign": (no_return_pending, state_allows("unassign"), hands_out, learner_not_started),
    "transfer": (no_return_pending, state_allows("transfer"), hands_out, learner_not_started),
    "request_return": (state_allows("request_return"), hands_out, returns_accepted),
    "approve_return": (state_allows("approve_return"),),
    "deny_return": (state_allows("deny_return"),),
    "refund": (state_allows("refund"),),
    "change_owner_group": (group_movable, hands_out),
}


def problems(seat: Seat, action: Action) -> list[str]:
    """Every problem the action's rules find with this seat, in the order they are checked."""
    return [problem for rule in CHECKS[action] if (problem := rule(seat))]


def allows(seat: Seat, action: Action) -> bool:
    return not any(rule(seat) for rule in CHECKS[action])
