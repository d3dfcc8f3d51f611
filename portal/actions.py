"""The seat actions an agent takes from the order page: the form each asks for, the service it
calls, the message it leaves, and where it is offered. Where is read from the seat's state graph
(django-fsm's ``can_proceed``), so the page offers an action exactly in the states it leaves
from; every other rule stays in the service, which explains its refusals itself."""

from collections.abc import Callable
from dataclasses import dataclass

from django_fsm import can_proceed

from seats import services
from seats.models import Seat

from . import forms


@dataclass(frozen=True)
class Offer:
    """What the order page knows, beyond the seat, that decides which actions it offers."""

    paid: bool
    returns_allowed: bool
    group_ids: frozenset[int]


def _from_state(transition: str, *, paid: bool = False, returns: bool = False) -> Callable:
    def offered(seat: Seat, offer: Offer) -> bool:
        return (
            can_proceed(getattr(seat, transition))
            and (offer.paid or not paid)
            and (offer.returns_allowed or not returns)
        )

    return offered


def _group_changeable(seat: Seat, offer: Offer) -> bool:
    return not seat.is_held and bool(offer.group_ids - {seat.owner_group_id})


@dataclass(frozen=True)
class SeatAction:
    slug: str
    label: str  # the link on the order page
    title: str  # the heading of the action's page
    form_class: type[forms.SeatForm]
    service: Callable
    success: str  # formatted with the form's cleaned data and ``seat``
    offered: Callable[[Seat, Offer], bool]
    explanation: str = ""
    destructive: bool = False
    inline: bool = False  # harmless enough for a button on the order page itself

    def success_message(self, form: forms.SeatForm) -> str:
        return self.success.format(seat=form.seat.pk, **form.cleaned_data)


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
            offered=_from_state("assign", paid=True),
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
            offered=_from_state("email_redemption", paid=True),
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
            offered=_from_state("resend_redemption"),
            explanation="The recipient gets a fresh link; the one they have stops working.",
            inline=True,
        ),
        SeatAction(
            slug="cancel-link",
            label="Cancel link",
            title="Cancel the redemption link",
            form_class=forms.SeatForm,
            service=services.cancel_redemption,
            success="The link for seat {seat} was cancelled; the seat is available again.",
            offered=_from_state("cancel_redemption"),
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
            offered=_from_state("unassign"),
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
            offered=_from_state("transfer"),
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
            offered=_from_state("request_return", returns=True),
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
            offered=_group_changeable,
            explanation="The owner group decides who manages the seat. It can change until "
            "the seat is assigned.",
        ),
    )
}


def offered_actions(seat: Seat, offer: Offer) -> list[SeatAction]:
    return [action for action in ACTIONS.values() if action.offered(seat, offer)]
