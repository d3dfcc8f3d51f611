"""Returns and refunds: the agent asks, a store admin decides; unused seats can be refunded."""

from decimal import Decimal, InvalidOperation

from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from core.errors import SeatActionError
from notifications.services import queue_email
from orders.models import Refund

from ..emails import SeatEmail
from ..lms import campus
from ..models import ReturnRequest, Seat, SeatEvent
from ._base import acting_on, refusing_conflicts, require, require_store_admin, transition


def _pending_request(seat: Seat) -> ReturnRequest:
    request = (
        ReturnRequest.objects.select_for_update()
        .filter(seat=seat, state=ReturnRequest.State.PENDING)
        .first()
    )
    if request is None:
        raise SeatActionError("This seat has no pending return request; refresh the page.")
    return request


def refundable_amount(seat: Seat) -> Decimal:
    """What is left to refund on a seat: its price less what earlier refunds gave back."""
    refunded = seat.refunds.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return max(seat.order_line.unit_price - refunded, Decimal("0"))


def _record_refund(seat: Seat, amount, *, actor: User, reason: str) -> Refund | None:
    """A Refund row for a positive amount; zero is a seat credit and records none."""
    left = refundable_amount(seat)
    try:
        amount = left if amount is None else Decimal(str(amount)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise SeatActionError(f"“{amount}” is not an amount of money.") from None
    if amount < 0 or amount > left:
        raise SeatActionError(
            f"The refund must be between 0 and {left} {seat.order.store.currency} "
            "(the seat's price less earlier refunds)."
        )
    if amount == 0:
        return None
    return Refund.objects.create(
        order_line=seat.order_line, seat=seat, amount=amount, reason=reason, created_by=actor
    )


def _notify(kind: SeatEmail, request: ReturnRequest, to: str) -> None:
    queue_email(kind=kind, to=to, context={"return_request_id": request.pk})


@refusing_conflicts
def request_return(
    *, seat: Seat | int, actor: User, reason: str, expected_version: int | None = None
) -> ReturnRequest:
    """An agent asks the store to take an assigned seat back; store admins are emailed."""
    with acting_on(seat, actor=actor, expected_version=expected_version) as seat:
        require(seat, SeatEvent.Action.REQUEST_RETURN)
        reason = (reason or "").strip()
        if not reason:
            raise SeatActionError("Say why the seat should be returned.")
        request = ReturnRequest.objects.create(seat=seat, requested_by=actor, reason=reason[:1000])
        transition(
            seat,
            SeatEvent.Action.REQUEST_RETURN,
            actor=actor,
            details={"return_request_id": request.pk, "reason": request.reason},
        )
        _notify(SeatEmail.RETURN_REQUESTED, request, seat.order.store.support_email)
    return request


@refusing_conflicts
def approve_return(
    *, seat: Seat | int, actor: User, refund_amount=None, note: str = ""
) -> ReturnRequest:
    """Withdraw the learner, refund (the unit price by default; zero for a seat credit) and make
    the seat available again."""
    require_store_admin(actor)
    with acting_on(seat, actor=actor) as seat:
        require(seat, SeatEvent.Action.APPROVE_RETURN)
        request = _pending_request(seat)
        refund = _record_refund(
            seat, refund_amount, actor=actor, reason=f"Return request {request.pk}"
        )
        enrollment, learner = seat.enrollment, seat.learner
        transition(
            seat,
            SeatEvent.Action.APPROVE_RETURN,
            actor=actor,
            details={
                "return_request_id": request.pk,
                "learner": learner.email,
                "refund": str(refund.amount) if refund else "0.00",
            },
        )
        campus().withdraw(enrollment)
        _decide(request, ReturnRequest.State.APPROVED, actor=actor, note=note, refund=refund)
    return request


@refusing_conflicts
def deny_return(*, seat: Seat | int, actor: User, note: str = "") -> ReturnRequest:
    """Keep the seat and its enrollment exactly as they were; the agent is told why."""
    require_store_admin(actor)
    with acting_on(seat, actor=actor) as seat:
        require(seat, SeatEvent.Action.DENY_RETURN)
        request = _pending_request(seat)
        transition(
            seat,
            SeatEvent.Action.DENY_RETURN,
            actor=actor,
            details={"return_request_id": request.pk, "note": note},
        )
        _decide(request, ReturnRequest.State.DENIED, actor=actor, note=note)
    return request


def _decide(request: ReturnRequest, state, *, actor: User, note: str, refund=None) -> None:
    request.state = state
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.note = (note or "").strip()[:1000]
    request.refund = refund
    request.save(update_fields=["state", "decided_by", "decided_at", "note", "refund"])
    _notify(SeatEmail.RETURN_DECIDED, request, request.requested_by.email)


@refusing_conflicts
def refund_seat(*, seat: Seat | int, actor: User, amount=None, reason: str = "") -> Refund | None:
    """Give the money back for an unused seat; the seat is returned for good."""
    require_store_admin(actor)
    with acting_on(seat, actor=actor) as seat:
        require(seat, SeatEvent.Action.REFUND)
        refund = _record_refund(seat, amount, actor=actor, reason=reason or "Unused seat")
        transition(
            seat,
            SeatEvent.Action.REFUND,
            actor=actor,
            details={"amount": str(refund.amount) if refund else "0.00", "reason": reason},
        )
    return refund
