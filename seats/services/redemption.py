"""Redemption links: email, resend, cancel, redeem; and the system's expiry and reminders."""

import enum
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.errors import SeatActionError
from notifications.services import queue_email
from orders.models import Store

from ..data_rules import enrollment_problems, message_problem
from ..emails import SeatEmail, topic_for
from ..models import Redemption, Seat, SeatEvent
from ..tokens import hash_token, new_nonce, token_for
from ._base import (
    acting_on,
    clean_answers,
    lock_seat,
    record_event,
    refuse_first,
    refusing_conflicts,
    require,
    require_no_active_enrollment,
    transition,
)
from .assignment import hand_over
from .learners import clean_email


class LinkProblem(enum.Enum):
    """Why a link does not work. A used link and an unknown one are both INVALID on purpose: the
    page must not tell a guesser which tokens ever existed."""

    INVALID = "invalid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    REPLACED = "replaced"


class LinkError(SeatActionError):
    def __init__(self, problem: LinkProblem, redemption: Redemption | None = None):
        messages = {
            LinkProblem.INVALID: "This link is not valid. It may have been used already.",
            LinkProblem.EXPIRED: "This link has expired.",
            LinkProblem.CANCELLED: "This link was cancelled by the person who sent it.",
            LinkProblem.REPLACED: "This link was replaced by a newer one; use the link in the "
            "most recent email.",
        }
        super().__init__(messages[problem])
        self.problem = problem
        self.redemption = redemption


class WrongAccount(SeatActionError):
    """The signed-in account is not the one the link was sent to, and the store requires it:
    the page offers to sign out."""


def check_link(token: str) -> Redemption:
    """The live redemption behind a token, or LinkError saying why the link does not work."""
    redemption = (
        Redemption.objects.select_related(
            "seat__order__store", "seat__order_line__product", "created_by"
        )
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    if redemption is None or redemption.state == Redemption.State.REDEEMED:
        raise LinkError(LinkProblem.INVALID)
    if redemption.state == Redemption.State.CANCELLED:
        raise LinkError(LinkProblem.CANCELLED, redemption)
    if redemption.state == Redemption.State.REPLACED:
        raise LinkError(LinkProblem.REPLACED, redemption)
    if redemption.state == Redemption.State.EXPIRED or redemption.expires_at <= timezone.now():
        raise LinkError(LinkProblem.EXPIRED, redemption)
    return redemption


def check_redeemer(redemption: Redemption, user: User) -> None:
    """Refuse a user who may not take this link's seat: not the recipient where the store
    requires it (WrongAccount), or already enrolled in the course. The page asks before showing
    the questions; redeem_link asks again under the lock."""
    store = redemption.seat.order.store
    if store.require_matching_redeemer_email and user.email != redemption.recipient_email:
        raise WrongAccount(
            f"This link was sent to {redemption.recipient_email}, but you are signed in as "
            f"{user.email}. Sign out, then sign in or register with "
            f"{redemption.recipient_email}."
        )
    product = redemption.seat.order_line.product
    if enrollment_problems(product, [user.email]):
        raise SeatActionError(
            f"You are already enrolled in {product}, so this seat can go to someone else. "
            f"Let {redemption.created_by.email} know; your course is under My training."
        )


def build_link(
    seat_id: int,
    *,
    email: str,
    message: str,
    actor: User,
    now: datetime,
    lifetime_days: int,
    replaces: Redemption | None = None,
) -> Redemption:
    """An unsaved link for a seat, with a fresh token; the one way links are made, one at a time
    or by the thousand (``bulk_email_redemptions``)."""
    nonce = new_nonce()
    return Redemption(
        seat_id=seat_id,
        recipient_email=email,
        message=message,
        created_by=actor,
        token_nonce=nonce,
        token_hash=hash_token(token_for(nonce)),
        replaces=replaces,
        created_at=now,
        expires_at=now + timedelta(days=lifetime_days),
        send_count=1,
        last_sent_at=now,
        delivery_status=Redemption.Delivery.QUEUED,  # its email is queued in the same transaction
    )


def _issue_link(
    seat: Seat, *, email: str, message: str, actor: User, replaces: Redemption | None = None
) -> Redemption:
    link = build_link(
        seat.pk,
        email=email,
        message=message,
        actor=actor,
        now=timezone.now(),
        lifetime_days=seat.order.store.redemption_link_lifetime_days,
        replaces=replaces,
    )
    link.seat = seat
    link.save(force_insert=True)
    return link


def _send_link(redemption: Redemption, kind: SeatEmail) -> None:
    queue_email(
        kind=kind,
        to=redemption.recipient_email,
        context={"redemption_id": redemption.pk},
        topic=topic_for(redemption),
    )


def _live_link(seat: Seat) -> Redemption:
    redemption = (
        Redemption.objects.select_for_update()
        .filter(seat=seat, state=Redemption.State.PENDING)
        .first()
    )
    if redemption is None:
        raise SeatActionError("This seat has no redemption link waiting; refresh the page.")
    return redemption


def _end_link(redemption: Redemption, state: Redemption.State) -> None:
    redemption.state = state
    redemption.ended_at = timezone.now()
    redemption.save(update_fields=["state", "ended_at"])


@refusing_conflicts
def email_redemption(
    *,
    seat: Seat | int,
    actor: User,
    email: str,
    message: str = "",
    expected_version: int | None = None,
) -> Redemption:
    """Email a link for an available seat; the seat awaits the recipient until redeemed."""
    with acting_on(seat, actor=actor, expected_version=expected_version) as seat:
        require(seat, SeatEvent.Action.EMAIL_REDEMPTION)
        email = clean_email(email)
        message = (message or "").strip()
        refuse_first([message_problem(message)])
        require_no_active_enrollment(seat.order_line.product, email)
        redemption = _issue_link(seat, email=email, message=message, actor=actor)
        transition(
            seat,
            SeatEvent.Action.EMAIL_REDEMPTION,
            actor=actor,
            details={"recipient": email, "redemption_id": redemption.pk},
        )
        _send_link(redemption, SeatEmail.REDEMPTION_LINK)
    return redemption


@refusing_conflicts
def resend_redemption(
    *, seat: Seat | int, actor: User, expected_version: int | None = None
) -> Redemption:
    """Send a fresh link to the same recipient; the old link stops working at once."""
    with acting_on(seat, actor=actor, expected_version=expected_version) as seat:
        require(seat, SeatEvent.Action.RESEND)
        old = _live_link(seat)
        return _replace_link(
            seat, old, actor=actor, action=SeatEvent.Action.RESEND, kind=SeatEmail.REDEMPTION_RESEND
        )


@refusing_conflicts
def correct_recipient(
    *, seat: Seat | int, actor: User, email: str, expected_version: int | None = None
) -> Redemption:
    """Send the link to a corrected address instead: the link at the old address stops working
    at once, and the seat keeps waiting, for the new address, without starting over."""
    with acting_on(seat, actor=actor, expected_version=expected_version) as seat:
        require(seat, SeatEvent.Action.CORRECT_RECIPIENT)
        email = clean_email(email)
        old = _live_link(seat)
        if email == old.recipient_email:
            raise SeatActionError(f"The link was already sent to {email}; resend it instead.")
        require_no_active_enrollment(seat.order_line.product, email)
        return _replace_link(
            seat,
            old,
            actor=actor,
            action=SeatEvent.Action.CORRECT_RECIPIENT,
            kind=SeatEmail.REDEMPTION_LINK,
            email=email,
        )


def _replace_link(
    seat: Seat,
    old: Redemption,
    *,
    actor: User,
    action: SeatEvent.Action,
    kind: SeatEmail,
    email: str | None = None,
) -> Redemption:
    """End the live link and email a fresh one with the same message, to the same recipient or
    to ``email``."""
    _end_link(old, Redemption.State.REPLACED)
    recipient = email or old.recipient_email
    redemption = _issue_link(seat, email=recipient, message=old.message, actor=actor, replaces=old)
    details = {"recipient": recipient, "redemption_id": redemption.pk}
    if email:
        details["from_recipient"] = old.recipient_email
    transition(seat, action, actor=actor, details=details)
    _send_link(redemption, kind)
    return redemption


@refusing_conflicts
def cancel_redemption(
    *, seat: Seat | int, actor: User, expected_version: int | None = None
) -> Seat:
    """Kill the emailed link at once and make the seat available again."""
    with acting_on(seat, actor=actor, expected_version=expected_version) as seat:
        require(seat, SeatEvent.Action.CANCEL_REDEMPTION)
        link = _live_link(seat)
        _end_link(link, Redemption.State.CANCELLED)
        transition(
            seat,
            SeatEvent.Action.CANCEL_REDEMPTION,
            actor=actor,
            details={"recipient": link.recipient_email, "redemption_id": link.pk},
        )
    return seat


@refusing_conflicts
def redeem_link(*, token: str, user: User, answers: dict | None = None) -> Seat:
    """The recipient, logged in, takes the seat: it is assigned to them and they are enrolled."""
    found = check_link(token)
    with transaction.atomic():
        seat = lock_seat(found.seat_id)
        redemption = (
            Redemption.objects.select_for_update(of=("self",))
            .select_related("created_by")
            .get(pk=found.pk)
        )
        redemption.seat = seat  # the locked row
        check_link(token)  # again, under the lock: a concurrent redemption may have won
        check_redeemer(redemption, user)
        require(seat, SeatEvent.Action.REDEEM)
        product = seat.order_line.product
        cleaned = clean_answers(product, answers)
        hand_over(
            seat,
            SeatEvent.Action.REDEEM,
            actor=user,
            learner=user,
            answers=cleaned,
            invited=False,
            details={"recipient": redemption.recipient_email, "redemption_id": redemption.pk},
        )
        redemption.state = Redemption.State.REDEEMED
        redemption.redeemed_by = user
        redemption.redeemed_at = redemption.ended_at = timezone.now()
        redemption.save(update_fields=["state", "redeemed_by", "redeemed_at", "ended_at"])
    return seat


def expire_redemptions(*, now=None, limit: int = 1000) -> int:
    """Return the seats of links past their lifetime to available; returns how many expired."""
    now = now or timezone.now()
    due = Redemption.objects.filter(state=Redemption.State.PENDING, expires_at__lte=now)
    expired = 0
    for redemption_id, seat_id in due.values_list("pk", "seat_id")[:limit]:
        with transaction.atomic():
            seat = lock_seat(seat_id)
            link = Redemption.objects.select_for_update().get(pk=redemption_id)
            if link.state != Redemption.State.PENDING or link.expires_at > now:
                continue
            _end_link(link, Redemption.State.EXPIRED)
            transition(
                seat,
                SeatEvent.Action.EXPIRE,
                actor=None,
                details={"recipient": link.recipient_email, "redemption_id": link.pk},
            )
            expired += 1
    return expired


def remind_redemptions(*, now=None) -> int:
    """Email the same link again to recipients who have not redeemed it, at each store's
    interval and at most its number of times. A reminder does not extend the link's life."""
    now = now or timezone.now()
    reminded = 0
    stores = Store.objects.filter(reminder_interval_days__gt=0, max_reminders__gt=0)
    for store in stores:
        due = Redemption.objects.filter(
            seat__order__store=store,
            state=Redemption.State.PENDING,
            expires_at__gt=now,
            reminders_sent__lt=store.max_reminders,
            last_sent_at__lte=now - timedelta(days=store.reminder_interval_days),
        )
        for redemption_id in due.values_list("pk", flat=True):
            reminded += _remind(redemption_id, store, now)
    return reminded


def _remind(redemption_id: int, store: Store, now) -> int:
    with transaction.atomic():
        link = (
            Redemption.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("seat")
            .filter(pk=redemption_id, state=Redemption.State.PENDING)
            .first()
        )
        if link is None or link.reminders_sent >= store.max_reminders:
            return 0
        link.reminders_sent += 1
        link.send_count += 1
        link.last_sent_at = now
        link.save(update_fields=["reminders_sent", "send_count", "last_sent_at"])
        record_event(
            link.seat,
            SeatEvent.Action.REMIND,
            from_status=link.seat.status,
            actor=None,
            details={"recipient": link.recipient_email, "reminder": link.reminders_sent},
        )
        _send_link(link, SeatEmail.REDEMPTION_REMINDER)
    return 1
