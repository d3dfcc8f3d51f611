"""The seat transitions a store admin may take from a seat's page, each one service call,
offered where the action's rules (``seats.rules``, which the service checks again) find no
problem. The returns queue offers the approve and deny entries of the same list."""

from core.admin import ObjectAction
from seats import rules, services
from seats.models import SeatEvent

from .forms import (
    ApproveReturnForm,
    AssignForm,
    EmailRedemptionForm,
    NoteForm,
    RefundForm,
    SeatActionForm,
    SeatOwnerGroupForm,
)

Action = SeatEvent.Action


def allowed(action: Action):
    return lambda seat: rules.allows(seat, action)


def _to_learner(service, verb: str):
    """Assign and transfer: the same form (learner, answers), a different service."""

    def perform(seat, actor, data) -> str:
        service(
            seat=seat,
            actor=actor,
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            answers=data["answers"],
            expected_version=data["version"],
        )
        return f"Seat {seat.pk} is {verb} to {data['email']}."

    return perform


def _email(seat, actor, data) -> str:
    services.email_redemption(
        seat=seat,
        actor=actor,
        email=data["email"],
        message=data["message"],
        expected_version=data["version"],
    )
    return f"A redemption link for seat {seat.pk} is on its way to {data['email']}."


def _resend(seat, actor, data) -> str:
    redemption = services.resend_redemption(
        seat=seat, actor=actor, expected_version=data["version"]
    )
    return f"A new link for seat {seat.pk} is on its way to {redemption.recipient_email}."


def _cancel(seat, actor, data) -> str:
    services.cancel_redemption(seat=seat, actor=actor, expected_version=data["version"])
    return f"The link for seat {seat.pk} is cancelled; the seat is available."


def _unassign(seat, actor, data) -> str:
    services.unassign_seat(seat=seat, actor=actor, expected_version=data["version"])
    return f"Seat {seat.pk} is unassigned and available."


def _approve(seat, actor, data) -> str:
    request = services.approve_return(
        seat=seat, actor=actor, refund_amount=data["amount"], note=data["note"]
    )
    refund = f"refunded {request.refund.amount}" if request.refund else "no refund (seat credit)"
    return f"Return of seat {seat.pk} approved, {refund}; the seat is available."


def _deny(seat, actor, data) -> str:
    services.deny_return(seat=seat, actor=actor, note=data["note"])
    return f"Return of seat {seat.pk} denied; the learner keeps the seat."


def _refund(seat, actor, data) -> str:
    refund = services.refund_seat(
        seat=seat, actor=actor, amount=data["amount"], reason=data["reason"]
    )
    amount = refund.amount if refund else 0
    return f"Seat {seat.pk} is refunded ({amount}) and returned."


def _change_group(seat, actor, data) -> str:
    services.change_seat_owner_group(
        seat=seat, actor=actor, group=data["group"], expected_version=data["version"]
    )
    return f"Seat {seat.pk} now belongs to {data['group']}."


ASSIGN = ObjectAction(
    "assign",
    "Assign to a learner",
    _to_learner(services.assign_seat, "assigned"),
    AssignForm,
    allowed(Action.ASSIGN),
)
EMAIL = ObjectAction(
    "email",
    "Email a redemption link",
    _email,
    EmailRedemptionForm,
    allowed(Action.EMAIL_REDEMPTION),
)
RESEND = ObjectAction("resend", "Resend the link", _resend, SeatActionForm, allowed(Action.RESEND))
CANCEL = ObjectAction(
    "cancel", "Cancel the emailed link", _cancel, SeatActionForm, allowed(Action.CANCEL_REDEMPTION)
)
UNASSIGN = ObjectAction("unassign", "Unassign", _unassign, SeatActionForm, allowed(Action.UNASSIGN))
TRANSFER = ObjectAction(
    "transfer",
    "Transfer to another learner",
    _to_learner(services.transfer_seat, "transferred"),
    AssignForm,
    allowed(Action.TRANSFER),
)
APPROVE_RETURN = ObjectAction(
    "approve", "Approve the return", _approve, ApproveReturnForm, allowed(Action.APPROVE_RETURN)
)
DENY_RETURN = ObjectAction("deny", "Deny the return", _deny, NoteForm, allowed(Action.DENY_RETURN))
REFUND = ObjectAction(
    "refund", "Refund the unused seat", _refund, RefundForm, allowed(Action.REFUND)
)
CHANGE_GROUP = ObjectAction(
    "owner-group",
    "Change the owner group",
    _change_group,
    SeatOwnerGroupForm,
    allowed(Action.CHANGE_OWNER_GROUP),
)

SEAT_ACTIONS = (
    ASSIGN,
    EMAIL,
    RESEND,
    CANCEL,
    UNASSIGN,
    TRANSFER,
    APPROVE_RETURN,
    DENY_RETURN,
    REFUND,
    CHANGE_GROUP,
)
