"""One action on many seats the agent selected on the order page: resend their links, cancel
their links, unassign them, or email links to a list of addresses.

``plan`` says, before anything happens, which seats the action will touch and which it will skip
and why: each seat's reason is the one the single action gives (``SeatAction.problem``: the
viewer's authority, then the action's rules). ``apply_to_seats`` then takes each seat through the
action's own service with the version the plan saw, in a transaction of its own, so a seat that
changed meanwhile (someone acted on it, another bulk action got there first) is skipped with the
service's reason rather than acted on twice. Emailing links to a list is what the CSV import
does, on the selection's available seats: ``bulk.bulk_email_redemptions`` with ``seat_ids``, set
based and all or nothing, its addresses checked by the same rules.

A selection of more than ``BACKGROUND_AFTER_SEATS`` seats is applied by an ``ImportJob``
(``jobs.start_import``), whose progress the order page shows.
"""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from accounts.models import User
from core.errors import SeatActionError
from orders.models import Order, OrderLine
from seats.actions import AGENT_ACTIONS, SeatAction
from seats.models import ImportJob, Seat

from .bulk import BulkResult, Progress, RecipientRow, RowError

BACKGROUND_AFTER_SEATS = 200
MAX_SELECTED = 10_000  # seats one action takes at a time: the selection waits in the session
REPORT_EVERY = 25  # seats between two progress reports of a background job


@dataclass(frozen=True)
class SelectionAction:
    """What the agent may do to a selection; ``catalog`` names the single seat action whose
    rules and service it uses."""

    slug: str  # also the ImportJob kind that applies a big selection
    catalog: str
    label: str  # the order page's button
    title: str  # the confirmation page's heading
    touches: str  # "3 seats will get a new link": formatted as ``Plan.says`` does
    done: str  # formatted with ``count`` and ``seats``

    @property
    def action(self) -> SeatAction:
        return AGENT_ACTIONS[self.catalog]

    @property
    def emails_a_list(self) -> bool:
        return self.slug == ImportJob.Kind.EMAIL


ACTIONS = {
    action.slug: action
    for action in (
        SelectionAction(
            slug=ImportJob.Kind.RESEND,
            catalog="resend",
            label="Resend links",
            title="Resend the redemption links of the selected seats",
            touches="{seats} will get a new link; the old one stops working.",
            done="{seats} got a new link.",
        ),
        SelectionAction(
            slug=ImportJob.Kind.CANCEL,
            catalog="cancel-link",
            label="Cancel links",
            title="Cancel the redemption links of the selected seats",
            touches="{seats} will have {their} link cancelled and be available again.",
            done="The links of {seats} were cancelled; the seats are available again.",
        ),
        SelectionAction(
            slug=ImportJob.Kind.UNASSIGN,
            catalog="unassign",
            label="Unassign",
            title="Unassign the selected seats",
            touches="{seats} will be unassigned and available again, and {their} learner{s} "
            "withdrawn.",
            done="{seats} unassigned; their learners were withdrawn.",
        ),
        SelectionAction(
            slug=ImportJob.Kind.EMAIL,
            catalog="email",
            label="Email links",
            title="Email redemption links for the selected seats",
            touches="{seats} can be emailed a link, in this order, one per address.",
            done="Redemption links for {seats} are on their way.",
        ),
    )
}


def seats_phrase(count: int) -> str:
    return f"{count:,} seat{'' if count == 1 else 's'}"


def selected_seats(order: Order, seat_ids: Iterable[int]):
    """The seats to plan for, with what their rules read, lowest ids first: one query."""
    return (
        Seat.objects.filter(order_id=order.pk, pk__in=list(seat_ids))
        .select_related("order_line__product", "enrollment", "learner")
        .order_by("pk")
    )


@dataclass
class Plan:
    """Which seats the action will touch (with the version it saw) and which it will skip,
    grouped by reason, in the order the seats were selected."""

    action: SelectionAction
    touched: dict[int, int] = field(default_factory=dict)  # seat id -> version
    skipped: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    @property
    def skipped_count(self) -> int:
        return sum(len(seat_ids) for seat_ids in self.skipped.values())

    def says(self) -> str:
        count = len(self.touched)
        one = count == 1
        return self.action.touches.format(
            count=count,
            seats=seats_phrase(count),
            their="its" if one else "their",
            s="" if one else "s",
        )


def plan(action: SelectionAction, seats: Iterable[Seat], *, order: Order, authority) -> Plan:
    """Which seats the action would touch now, and why it would skip the others. No query:
    ``seats`` come from ``selected_seats`` and the authority was read once."""
    found = Plan(action=action)
    for seat in seats:
        seat.order = order
        problem = action.action.problem(seat, authority)
        if problem:
            found.skipped[problem].append(seat.pk)
        else:
            found.touched[seat.pk] = seat.version
    found.skipped = dict(found.skipped)
    return found


# --- Emailing a list -----------------------------------------------------------------------------

ADDRESS_SEPARATORS = re.compile(r"[\s,;]+")


def recipients(text: str, *, message: str = "") -> list[RecipientRow]:
    """The pasted addresses, one per line or separated by commas, each a row numbered from 1 in
    the order given (the bulk import's checks name them by that number)."""
    addresses = [address for address in ADDRESS_SEPARATORS.split(text or "") if address]
    return [
        RecipientRow(row=number, email=email, message=message)
        for number, email in enumerate(addresses, 1)
    ]


def email_line(order: Order, seat_ids: Iterable[int]) -> OrderLine:
    """The one course of the seats a list is emailed for: a list is one course's recipients."""
    line_ids = set(
        Seat.objects.filter(order_id=order.pk, pk__in=list(seat_ids)).values_list(
            "order_line_id", flat=True
        )
    )
    if len(line_ids) > 1:
        raise SeatActionError(
            f"The selected seats are of {len(line_ids)} courses; select the seats of one "
            "course to email links to a list."
        )
    if not line_ids:
        raise SeatActionError("None of the selected seats can be emailed a link.")
    return OrderLine.objects.select_related("order__store", "product").get(pk=line_ids.pop())


# --- Applying ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelectedSeat:
    """A seat of a selection as the plan saw it; the row of a background job."""

    seat: int
    version: int


def apply_to_seats(
    *,
    actor: User,
    rows: list[SelectedSeat],
    action: SelectionAction,
    progress: Progress | None = None,
    **job,
) -> BulkResult:
    """Take each seat through the action's service, refused seats skipped with their reason.
    Each seat is its own transaction (a savepoint inside a background job's). ``job`` is what an
    import job passes beside (its order and line), which the seats already know."""
    service: Callable = action.action.service
    skipped = []
    for done, row in enumerate(rows, 1):
        try:
            service(seat=row.seat, actor=actor, expected_version=row.version)
        except SeatActionError as refusal:
            skipped.append(RowError(row.seat, refusal.message))
        if progress is not None and (done % REPORT_EVERY == 0 or done == len(rows)):
            progress(done)
    return BulkResult(seats=len(rows) - len(skipped), skipped=tuple(skipped))


def done_message(action: SelectionAction, result: BulkResult) -> str:
    """What the agent reads when it is done: how many seats, and any skipped with the first
    reasons (a background job keeps them all)."""
    said = action.done.format(count=result.seats, seats=seats_phrase(result.seats))
    if not result.skipped:
        return said
    shown = [f"Seat {error.row}: {error.message}" for error in result.skipped[:3]]
    more = len(result.skipped) - len(shown)
    skipped = f"{seats_phrase(len(result.skipped))} skipped, changed since the confirmation."
    return " ".join([said, skipped, *shown, *([f"And {more:,} more."] if more > 0 else [])])
