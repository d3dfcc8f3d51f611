"""The catalog of seat actions: for each, its form, its service, what it says when done, and when
it is offered. The portal and the admin both read it (and an API would), so an action is offered
in the same states, asks for the same input and says the same things wherever it is taken.

An action is offered where the viewer manages the seat (``access``) and the action's rules find
no problem (``rules``): the same checks its service makes under the seat's lock."""

from collections.abc import Callable
from dataclasses import dataclass

from . import action_forms as forms
from . import rules, services
from .access import SeatAuthority
from .models import Seat, SeatEvent

Action = SeatEvent.Action

NOT_YOURS = (
    "This seat belongs to a purchasing group you are not an agent of, so you can see it but not "
    "change it. Ask an agent of its group."
)


@dataclass(frozen=True)
class Offer:
    """What a page knows, beyond the seat, that decides which actions it offers: what the viewer
    manages, and the groups of the seat's store they may move it to."""

    authority: SeatAuthority
    group_ids: frozenset[int]


def _another_group(seat: Seat, offer: Offer) -> bool:
    return bool(offer.group_ids - {seat.owner_group_id})


@dataclass(frozen=True)
class SeatAction:
    slug: str
    label: str  # the button or link that offers it
    title: str  # the heading of its page
    form_class: type[forms.SeatActionForm]
    service: Callable
    rules: str  # the SeatEvent action whose rules decide where it is offered
    success: str  # formatted with the form's cleaned data and ``seat``
    explanation: str = ""
    destructive: bool = False  # asks "Yes, …?" on its own page before anything happens
    for_agents: bool = True  # offered in the portal
    for_admins: bool = True  # offered in the admin (a return is the agent's to request)
    also_needs: Callable[[Seat, Offer], bool] = lambda seat, offer: True

    def offered(self, seat: Seat, offer: Offer) -> bool:
        return (
            offer.authority.manages(seat)
            and rules.allows(seat, self.rules)
            and self.also_needs(seat, offer)
        )

    def problem(self, seat: Seat, authority: SeatAuthority) -> str | None:
        """Why it cannot happen to this seat now, as its service would say; ``None`` where it
        is offered."""
        if not authority.manages(seat):
            return NOT_YOURS
        return next(iter(rules.problems(seat, self.rules)), None)

    def form(self, data=None, *, seat: Seat, user, prefix: str | None = None):
        return self.form_class(data, seat=seat, user=user, prefix=prefix)

    def take(self, form: forms.SeatActionForm) -> str:
        """Call the service with the form's input (it raises the refusal) and say what was done."""
        self.service(seat=form.seat, actor=form.user, **form.service_kwargs())
        return self.success.format(seat=form.seat.pk, **form.cleaned_data)


CATALOG = (
    SeatAction(
        slug="assign",
        label="Assign",
        title="Assign the seat",
        form_class=forms.AssignForm,
        service=services.assign_seat,
        rules=Action.ASSIGN,
        success="Seat {seat} is assigned to {email}; they were emailed their training link.",
        explanation="The learner is enrolled at once. Someone without an account gets one "
        "and an email to set their password.",
    ),
    SeatAction(
        slug="email",
        label="Email link",
        title="Email a redemption link",
        form_class=forms.EmailRedemptionForm,
        service=services.email_redemption,
        rules=Action.EMAIL_REDEMPTION,
        success="A redemption link for seat {seat} was emailed to {email}.",
        explanation="The recipient redeems the seat from the email, registering first if "
        "they have no account. The seat waits for them until then.",
    ),
    SeatAction(
        slug="resend",
        label="Resend link",
        title="Resend the redemption link",
        form_class=forms.VersionedForm,
        service=services.resend_redemption,
        rules=Action.RESEND,
        success="A new link for seat {seat} was emailed; the previous link no longer works.",
        explanation="The recipient gets a fresh link; the one they have stops working.",
        destructive=True,
    ),
    SeatAction(
        slug="correct",
        label="Correct address",
        title="Correct the recipient's address",
        form_class=forms.CorrectRecipientForm,
        service=services.correct_recipient,
        rules=Action.CORRECT_RECIPIENT,
        success="The link for seat {seat} was sent to {email}; the link at the old address no "
        "longer works.",
        explanation="For an address that was mistyped or bounced: the link at the old address "
        "stops working at once and a new one goes to the corrected address. The seat keeps "
        "waiting; nothing else changes.",
    ),
    SeatAction(
        slug="cancel-link",
        label="Cancel link",
        title="Cancel the redemption link",
        form_class=forms.VersionedForm,
        service=services.cancel_redemption,
        rules=Action.CANCEL_REDEMPTION,
        success="The link for seat {seat} was cancelled; the seat is available again.",
        explanation="The emailed link stops working at once and the seat is available again.",
        destructive=True,
    ),
    SeatAction(
        slug="unassign",
        label="Unassign",
        title="Unassign the seat",
        form_class=forms.VersionedForm,
        service=services.unassign_seat,
        rules=Action.UNASSIGN,
        success="Seat {seat} is available again; the learner's enrollment was withdrawn.",
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
        rules=Action.TRANSFER,
        success="Seat {seat} was transferred to {email}.",
        explanation="The current learner's enrollment is withdrawn and the new learner is "
        "enrolled, in one step. Only possible before the current learner starts.",
    ),
    SeatAction(
        slug="return",
        label="Request return",
        title="Request a return",
        form_class=forms.ReturnForm,
        service=services.request_return,
        rules=Action.REQUEST_RETURN,
        success="A return of seat {seat} was requested; you will be emailed the store's decision.",
        explanation="A store admin decides. If the return is approved, the learner is "
        "withdrawn and the seat is refunded or credited.",
        for_admins=False,
    ),
    SeatAction(
        slug="group",
        label="Change group",
        title="Change the owner group",
        form_class=forms.OwnerGroupForm,
        service=services.change_seat_owner_group,
        rules=Action.CHANGE_OWNER_GROUP,
        success="Seat {seat} now belongs to {group}.",
        explanation="The owner group decides who manages the seat. It can change until "
        "the seat is assigned.",
        also_needs=_another_group,
    ),
    SeatAction(
        slug="approve",
        label="Approve the return",
        title="Approve the return",
        form_class=forms.ApproveReturnForm,
        service=services.approve_return,
        rules=Action.APPROVE_RETURN,
        success="The return of seat {seat} is approved with a refund of {amount}; the seat is "
        "available again.",
        explanation="The learner is withdrawn, the amount is refunded, and the agent is "
        "emailed the decision.",
        for_agents=False,
    ),
    SeatAction(
        slug="deny",
        label="Deny the return",
        title="Deny the return",
        form_class=forms.DecisionForm,
        service=services.deny_return,
        rules=Action.DENY_RETURN,
        success="The return of seat {seat} is denied; the learner keeps the seat.",
        explanation="The seat and its enrollment stay exactly as they are; the agent is "
        "emailed the decision.",
        for_agents=False,
    ),
    SeatAction(
        slug="refund",
        label="Refund the unused seat",
        title="Refund the unused seat",
        form_class=forms.RefundForm,
        service=services.refund_seat,
        rules=Action.REFUND,
        success="Seat {seat} is refunded ({amount}) and returned for good.",
        explanation="The money goes back and the seat can no longer be handed out.",
        destructive=True,
        for_agents=False,
    ),
)

AGENT_ACTIONS = {action.slug: action for action in CATALOG if action.for_agents}
ADMIN_ACTIONS = {action.slug: action for action in CATALOG if action.for_admins}


def offered_actions(seat: Seat, offer: Offer) -> list[SeatAction]:
    """The agent's actions the portal offers on this seat."""
    return [action for action in AGENT_ACTIONS.values() if action.offered(seat, offer)]
