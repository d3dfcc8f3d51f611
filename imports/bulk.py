"""Bulk seat actions for CSV imports: assign many seats, or email many redemption links, at once.

This is the one sanctioned set-based path beside the per-seat services. A 5,000-row file cannot
afford one service call (and its dozen queries) per row (docs/decisions/0004), so the same rules are
checked for the whole file at once and the same rows are written in batches: learners (unusable
password, invited by email), enrollments through ``campus().enroll_many``, supplemental answers, one
SeatEvent per seat and the outbox emails. Rows are written by set-based statements over arrays
(``bulk_sql``), not by ``bulk_create``, whose per-value compilation was most of the time.
``Seat.status`` is a protected FSM field: here, and only here, seats move in SQL without their
transition methods — one ``UPDATE … FROM`` the batch's rows to assign (each seat gets its own
learner and enrollment), one ``UPDATE … WHERE id IN`` per batch to await a link — guarded by
``status = 'available'`` and bumping ``version``, so that open pages showing those seats refuse
stale actions.

The preview calls ``validate_bulk_assign`` / ``validate_bulk_email``; the apply repeats the same
checks under the seat locks, because seats may have been taken or learners enrolled since. If any
row fails, nothing is applied. The one-active-enrollment constraint is the database's backstop.
"""

import secrets
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import wraps

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import User, normalize_email
from core.bulk_sql import (
    BATCH_SIZE,
    execute,
    insert_objects,
    insert_rows,
    values_among,
    values_table,
)
from core.errors import SeatActionError
from notifications.services import NewEmail, queue_emails
from orders.models import Order, OrderLine
from seats import access, data_rules, rules
from seats.emails import SeatEmail, topic_for
from seats.events import Event, record_events
from seats.lms import campus
from seats.models import Seat, SeatEvent, SupplementalAnswer
from seats.services._base import questions_for
from seats.services.redemption import build_link


@dataclass(frozen=True)
class AssignRow:
    """One learner of an import; ``row`` is the file's row number (the header is row 1) and
    ``answers`` maps a question id (as a string) to the answer, as ``assign_seat`` takes them."""

    row: int
    email: str
    first_name: str = ""
    last_name: str = ""
    answers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RecipientRow:
    row: int
    email: str
    message: str = ""


@dataclass(frozen=True)
class RowError:
    """A problem in the file; ``row`` is None when it concerns the whole file."""

    row: int | None
    message: str


class BulkRefused(SeatActionError):
    """Some rows failed, so nothing was applied; ``errors`` lists every problem found."""

    def __init__(self, errors: list[RowError]):
        super().__init__(
            f"Nothing was applied: the import has {len(errors)} "
            f"problem{'s' if len(errors) != 1 else ''}."
        )
        self.errors = errors


@dataclass(frozen=True)
class BulkResult:
    seats: int
    invited: int = 0
    skipped: tuple[RowError, ...] = ()  # seats of a selection left alone, and why


def _refusing_races(func: Callable) -> Callable:
    """A constraint that fires under the lock means someone acted between our checks and our
    writes (a learner enrolled, an email registered); the transaction has rolled back."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except IntegrityError as error:
            raise SeatActionError(
                "Seats or learners changed while the file was being applied, so nothing was "
                "applied. Upload the file again to check it against the current state."
            ) from error

    return wrapper


# --- Checks shared by preview and apply ----------------------------------------------------------


def order_line(order: Order, line: OrderLine | None = None) -> OrderLine:
    """The order line whose seats the file hands out (the one given, or the order's only one),
    read afresh with its order: the order's payment status is checked from this read."""
    lines = OrderLine.objects.select_related("product", "order__store").filter(order_id=order.pk)
    if line is not None:
        lines = lines.filter(pk=line.pk)
    found = list(lines[:2])
    if not found:
        raise SeatActionError(f"That course is not part of order {order.number}.")
    if len(found) > 1:
        raise SeatActionError(f"Order {order.number} has several courses; choose one.")
    return found[0]


def available_seats(
    actor: User, line: OrderLine, seat_ids: Collection[int] | None = None
) -> QuerySet[Seat]:
    """The available seats of a line that the actor may hand out; of ``seat_ids`` only, when
    given (the seats selected on the order page)."""
    seats = access.seats_managed_by(actor).filter(order_line=line, status=Seat.Status.AVAILABLE)
    return seats if seat_ids is None else seats.filter(pk__in=list(seat_ids))


def _lock_seats(
    order: Order,
    actor: User,
    line: OrderLine | None,
    rows: Sequence,
    seat_ids: Collection[int] | None = None,
) -> tuple[OrderLine, list[int]]:
    """Inside the caller's transaction: the line, and up to one locked available seat per row,
    lowest ids first. Seats another action holds are skipped rather than waited for."""
    line = order_line(order, line)
    seat_ids = list(
        available_seats(actor, line, seat_ids)
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")
        .values_list("pk", flat=True)[: len(rows)]
    )
    return line, seat_ids


def _refuse(errors: list[RowError]) -> None:
    if errors:
        raise BulkRefused(errors)


def _email_problems(rows: Sequence[AssignRow | RecipientRow]) -> tuple[list[RowError], dict]:
    """Each address's own problem (``data_rules.email_problem``), and duplicates within the
    file; returns the errors and {clean email: first row number}."""
    errors, first_row = [], {}
    for row in rows:
        email = normalize_email(row.email)
        if problem := data_rules.email_problem(email):
            errors.append(RowError(row.row, problem))
            continue
        if email in first_row:
            errors.append(RowError(row.row, f"{email} is already on row {first_row[email]}."))
        else:
            first_row[email] = row.row
    return errors, first_row


def _common_problems(
    line: OrderLine,
    rows: Sequence[AssignRow | RecipientRow],
    *,
    available: int,
    selected: bool = False,
) -> list[RowError]:
    """What both imports check: the order's rules, addresses, enrollments, enough seats (of
    those the agent ``selected`` on the order page, for a pasted list)."""
    if not rows:
        return [RowError(None, "There are no rows to import.")]
    errors = []
    order, product = line.order, line.product
    errors += [RowError(None, problem) for problem in rules.order_problems(order)]
    email_errors, first_row = _email_problems(rows)
    errors += email_errors
    errors += [
        RowError(first_row[email], problem)
        for email, problem in data_rules.enrollment_problems(product, first_row).items()
    ]
    if len(rows) > available:
        errors.append(RowError(None, _too_few_seats(line, rows, available, selected=selected)))
    return errors


def _too_few_seats(line: OrderLine, rows: Sequence, available: int, *, selected: bool) -> str:
    first, last = rows[available].row, rows[-1].row
    if selected:
        left_out = f"address {last}" if first == last else f"addresses {first} to {last}"
        return (
            f"The list has {len(rows)} addresses but only {available} of the selected seats "
            f"can be emailed a link, so {left_out} would get no seat. Select more available "
            "seats, or shorten the list."
        )
    left_out = f"row {last}" if first == last else f"rows {first} to {last}"
    seats = f"{available} seat{'' if available == 1 else 's'}"
    return (
        f"The import has {len(rows)} rows but only {seats} of {line.product} in "
        f"{line.order.number} {'is' if available == 1 else 'are'} available for you to hand "
        f"out, so {left_out} would get no seat."
    )


def _assign_problems(
    line: OrderLine, rows: Sequence[AssignRow], questions, *, available: int
) -> list[RowError]:
    errors = _common_problems(line, rows, available=available)
    for row in rows:
        errors += [RowError(row.row, p) for p in data_rules.answer_problems(questions, row.answers)]
    return _sorted(errors)


def _email_link_problems(
    line: OrderLine, rows: Sequence[RecipientRow], *, available: int, selected: bool = False
) -> list[RowError]:
    errors = _common_problems(line, rows, available=available, selected=selected)
    errors += [
        RowError(row.row, problem)
        for row in rows
        if (problem := data_rules.message_problem(row.message))
    ]
    return _sorted(errors)


def _sorted(errors: list[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda error: error.row or 0)


def validate_bulk_assign(
    *, order: Order, actor: User, rows: Sequence[AssignRow], line: OrderLine | None = None
) -> list[RowError]:
    """Every problem that would stop ``bulk_assign``; an empty list means it would apply."""
    line = order_line(order, line)
    available = available_seats(actor, line).count()
    return _assign_problems(line, rows, questions_for(line.product), available=available)


def validate_bulk_email(
    *,
    order: Order,
    actor: User,
    rows: Sequence[RecipientRow],
    line: OrderLine | None = None,
    seat_ids: Collection[int] | None = None,
) -> list[RowError]:
    """Every problem that would stop ``bulk_email_redemptions``."""
    line = order_line(order, line)
    available = available_seats(actor, line, seat_ids).count()
    return _email_link_problems(line, rows, available=available, selected=seat_ids is not None)


# --- Apply ---------------------------------------------------------------------------------------

Progress = Callable[[int], None]


def _unusable_password() -> str:
    """What ``make_password(None)`` stores, without its slow random string: a learner imported
    by the thousand sets a password from the invitation (docs/decisions/0004)."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _learner_ids(rows: Sequence[AssignRow], now) -> tuple[list[int], set[str]]:
    """The learner id of every row, creating the unknown ones (they are invited by email), and
    the new learners' emails. The file's emails are unique: the checks refused duplicates. An
    address someone else creates meanwhile (another import, an assignment, a registration) makes
    the insert wait for them and fail: it is rolled back to its savepoint, their account read,
    and the rest inserted again, so the learner is theirs and is invited once."""
    emails = [normalize_email(row.email) for row in rows]
    ids = _user_ids(emails)
    while True:
        new = [n for n, email in enumerate(emails) if email not in ids]
        try:
            with transaction.atomic():
                created = _insert_learners(((emails[n], rows[n]) for n in new), now)
            break
        except IntegrityError:
            taken = _user_ids([emails[n] for n in new])
            if not taken:
                raise
            ids |= taken
    invited = [emails[n] for n in new]
    ids.update(zip(invited, created, strict=True))
    return [ids[email] for email in emails], set(invited)


def _user_ids(emails: list[str]) -> dict[str, int]:
    """The accounts of these addresses, looked up through one array."""
    return dict(values_among(User.objects.all(), "email", emails, "email", "pk"))


def _insert_learners(new: Iterable[tuple[str, AssignRow]], now) -> list[int]:
    return insert_rows(
        User,
        ["email", "first_name", "last_name", "password"],
        [
            (email, row.first_name.strip()[:150], row.last_name.strip()[:150], _unusable_password())
            for email, row in new
        ],
        constants={"date_joined": now},
        returning="id",
    )


def _hold_seats(holders: list[tuple[int, int, int]], now) -> None:
    """Move available seats to assigned, each to its (seat, learner, enrollment): one
    ``UPDATE … FROM`` the batch's rows."""
    table = connection.ops.quote_name(Seat._meta.db_table)
    rows, params = values_table(Seat, ["id", "learner_id", "enrollment_id"], holders)
    moved, _ = execute(
        f"UPDATE {table} SET status = %s, learner_id = v.learner_id, "  # noqa: S608
        f"enrollment_id = v.enrollment_id, version = {table}.version + 1, updated_at = %s "
        f"FROM {rows} WHERE {table}.id = v.id AND {table}.status = %s",
        [Seat.Status.ASSIGNED.value, now, *params, Seat.Status.AVAILABLE.value],
    )
    _require_all_moved(moved, len(holders))


def _require_all_moved(moved: int, expected: int) -> None:
    if moved != expected:
        raise SeatActionError(
            "Some seats were taken while the file was being applied, so nothing was applied. "
            "Upload the file again."
        )


def _write_events(
    seat_ids: list[int], action: SeatEvent.Action, to_status: str, actor: User, details: list, now
) -> None:
    record_events(
        [
            Event(
                seat_id, action, Seat.Status.AVAILABLE, to_status, actor.pk, detail | {"bulk": True}
            )
            for seat_id, detail in zip(seat_ids, details, strict=True)
        ],
        now,
    )


def _in_batches(rows: Sequence, seat_ids: list[int], write, progress: Progress | None) -> None:
    """``write(rows, seat_ids)`` one batch at a time, telling ``progress`` how many rows are
    written so far (they become visible to others only when the whole file commits)."""
    for start in range(0, len(rows), BATCH_SIZE):
        end = start + BATCH_SIZE
        write(rows[start:end], seat_ids[start:end])
        if progress is not None:
            progress(min(end, len(rows)))


@_refusing_races
def bulk_assign(
    *,
    order: Order,
    actor: User,
    rows: Sequence[AssignRow],
    line: OrderLine | None = None,
    seat_ids: Collection[int] | None = None,
    progress: Progress | None = None,
) -> BulkResult:
    """Assign one available seat of the line (of ``seat_ids``, when given) to each row's
    learner, all or nothing."""
    with transaction.atomic():
        line, seat_ids = _lock_seats(order, actor, line, rows, seat_ids)
        product = line.product
        questions = questions_for(product)
        _refuse(_assign_problems(line, rows, questions, available=len(seat_ids)))
        now = timezone.now()
        learner_ids, invited = _learner_ids(rows, now)
        learner_of = dict(zip(seat_ids, learner_ids, strict=True))

        def write(batch: Sequence[AssignRow], seats: list[int]) -> None:
            learners = [learner_of[seat_id] for seat_id in seats]
            emails = [normalize_email(row.email) for row in batch]
            enrollments = campus().enroll_many(product, list(zip(learners, seats, strict=True)))
            _hold_seats(list(zip(seats, learners, enrollments, strict=True)), now)
            _write_events(
                seats,
                SeatEvent.Action.ASSIGN,
                Seat.Status.ASSIGNED,
                actor,
                [{"learner": email} for email in emails],
                now,
            )
            insert_rows(
                SupplementalAnswer,
                ["seat_id", "question_id", "learner_id", "value"],
                [
                    (seat_id, question.pk, learner, value)
                    for seat_id, learner, row in zip(seats, learners, batch, strict=True)
                    for question, value in data_rules.answers_to_keep(
                        questions, row.answers
                    ).items()
                ],
                constants={"answered_at": now},
            )
            queue_emails(
                [
                    NewEmail(
                        kind=SeatEmail.INVITATION
                        if email in invited
                        else SeatEmail.ASSIGNMENT_NOTICE,
                        to_email=email,
                        context={"seat_id": seat_id, "user_id": learner},
                    )
                    for seat_id, learner, email in zip(seats, learners, emails, strict=True)
                ]
            )

        _in_batches(rows, seat_ids, write, progress)
    return BulkResult(seats=len(seat_ids), invited=len(invited))


@_refusing_races
def bulk_email_redemptions(
    *,
    order: Order,
    actor: User,
    rows: Sequence[RecipientRow],
    line: OrderLine | None = None,
    seat_ids: Collection[int] | None = None,
    progress: Progress | None = None,
) -> BulkResult:
    """Email a redemption link for one available seat of the line (of ``seat_ids``, when
    given) to each row, all or nothing."""
    with transaction.atomic():
        selected = seat_ids is not None
        line, seat_ids = _lock_seats(order, actor, line, rows, seat_ids)
        _refuse(_email_link_problems(line, rows, available=len(seat_ids), selected=selected))
        now = timezone.now()
        lifetime = line.order.store.redemption_link_lifetime_days

        def write(batch: Sequence[RecipientRow], seats: list[int]) -> None:
            links = insert_objects(
                [
                    build_link(
                        seat_id,
                        email=normalize_email(row.email),
                        message=row.message.strip(),
                        actor=actor,
                        now=now,
                        lifetime_days=lifetime,
                    )
                    for seat_id, row in zip(seats, batch, strict=True)
                ]
            )
            moved = Seat.objects.filter(pk__in=seats, status=Seat.Status.AVAILABLE).update(
                status=Seat.Status.AWAITING, version=F("version") + 1, updated_at=now
            )
            _require_all_moved(moved, len(seats))
            _write_events(
                seats,
                SeatEvent.Action.EMAIL_REDEMPTION,
                Seat.Status.AWAITING,
                actor,
                [{"recipient": link.recipient_email, "redemption_id": link.pk} for link in links],
                now,
            )
            queue_emails(
                [
                    NewEmail(
                        kind=SeatEmail.REDEMPTION_LINK,
                        to_email=link.recipient_email,
                        context={"redemption_id": link.pk},
                        topic=topic_for(link),
                    )
                    for link in links
                ]
            )

        _in_batches(rows, seat_ids, write, progress)
    return BulkResult(seats=len(seat_ids))
