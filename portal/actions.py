"""The seat actions an agent takes from the order page: the form each asks for, the service it
calls, the message it leaves, and when it is offered. An action is offered where the viewer
manages the seat (``seats.access``) and the action's rules find no problem (``seats.rules``): the
same checks its service makes, so the page never offers what would be refused."""

from collections.abc import Callable
from dataclasses import dataclass

from seats import rules, services
from seats.access import SeatAuthority
from seats.models import Seat, SeatEvent

from . import forms


@dataclass(frozen=True)
class Offer:
    """What the order page knows, beyond the seat, that decides which actions it offers: what
    the viewer manages, and the groups of the order's store they may move a seat to."""

    authority: SeatAuthority
    group_ids: frozenset[int]


def _another_group(seat: Seat, offer: Offer) -> bool:
    return bool(offer.group_ids - {seat.owner_group_id})


@dataclass(frozen=True)
class SeatAction:
    slug: str
    label: str  # the link on the order page
    title: str  # the heading of the action's page
    form_class: type[forms.SeatForm]
    service: Callable
    success: str  # formatted with the form's cleaned data and ``seat``
    rules: str  # the SeatEvent action whose rules decide where it is offered
    explanation: str = ""
    also_needs: Callable[[Seat, Offer], bool] = lambda seat, offer: True
    destructive: bool = False  # asks "Yes, …?" on its own page before anything happens

    def success_message(self, form: forms.SeatForm) -> str:
        return self.success.format(seat=form.seat.pk, **form.cleaned_data)

    def offered(self, seat: Seat, offer: Offer) -> bool:
        return (
            offer.authority.manages(seat)
            and rules.allows(seat, self.rules)
            and self.also_needs(seat, offer)
        )


ACTIONS = {
    action.slug: action
    for action in (
        SeatAction(
            slug="assign",
            label="Assign",
            title="Assign the seat",
            form_class=forms.AssignForm,
            service=services.assign_seat,
            success="Seat {seat} is assigned to {email}; they were emailed their training link.",
            rules=SeatEvent.Action.ASSIGN,
            explanation="The learner is enrolled at once. Someone without an account gets one "
            "and an email to set their password.",
        ),
        SeatAction(
            slug="email",
            label="Email link",
            title="Email a redemption link",
            form_class=forms.EmailRedemptionForm,
            service=services.email_redemption,
            success="A redemption link for seat {seat} was emailed to {email}.",
            rules=SeatEvent.Action.EMAIL_REDEMPTION,
            explanation="The recipient redeems the seat from the email, registering first if "
            "they have no account. The seat waits for them until then.",
        ),
        SeatAction(
            slug="resend",
            label="Resend link",
            title="Resend the redemption link",
            form_class=forms.SeatForm,
            service=services.resend_redemption,
            success="A new link for seat {seat} was emailed; the previous link no longer works.",
            rules=SeatEvent.Action.RESEND,
            explanation="The recipient gets a fresh link; the one they have stops working.",
            destructive=True,
        ),
        SeatAction(
            slug="cancel-link",
            label="Cancel link",
            title="Cancel the redemption link",
            form_class=forms.SeatForm,
            service=services.cancel_redemption,
            success="The link for seat {seat} was cancelled; the seat is available again.",
            rules=SeatEvent.Action.CANCEL_REDEMPTION,
            explanation="The emailed link stops working at once and the seat is available again.",
            destructive=True,
        ),
        SeatAction(
            slug="unassign",
            label="Unassign",
            title="Unassign the seat",
            form_class=forms.SeatForm,
            service=services.unassign_seat,
            success="Seat {seat} is available again; the learner's enrollment was withdrawn.",
            rules=SeatEvent.Action.UNASSIGN,
            explanation="The learner's enrollment is withdrawn and the seat is available again. "
            "This is only possible before the learner starts the course.",
            destructive=True,
        ),
        SeatAction(
            slug="transfer",
            label="Transfer",
            title="Transfer the seat",
            form_class=forms.TransferForm,
            service=services.transfer_seat,
            success="Seat {seat} was transferred to {email}.",
            rules=SeatEvent.Action.TRANSFER,
            explanation="The current learner's enrollment is withdrawn and the new learner is "
            "enrolled, in one step. Only possible before the current learner starts.",
        ),
        SeatAction(
            slug="return",
            label="Request return",
            title="Request a return",
            form_class=forms.ReturnForm,
            service=services.request_return,
            success="A return of seat {seat} was requested; you will be emailed the store's "
            "decision.",
            rules=SeatEvent.Action.REQUEST_RETURN,
            explanation="A store admin decides. If the return is approved, the learner is "
            "withdrawn and the seat is refunded or credited.",
        ),
        SeatAction(
            slug="group",
            label="Change group",
            title="Change the owner group",
            form_class=forms.OwnerGroupForm,
            service=services.change_seat_owner_group,
            success="Seat {seat} now belongs to {group}.",
            rules=SeatEvent.Action.CHANGE_OWNER_GROUP,
            also_needs=_another_group,
            explanation="The owner group decides who manages the seat. It can change until "
            "the seat is assigned.",
        ),
    )
}


def offered_actions(seat: Seat, offer: Offer) -> list[SeatAction]:
    return [action for action in ACTIONS.values() if action.offered(seat, offer)]
