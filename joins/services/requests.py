"""Seat requests: a learner of the organization asks a group for a seat; its agents approve
(a seat is assigned through the assignment service) or decline. The learner is emailed either
way."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.audit import record_change
from core.errors import SeatActionError
from groups.models import PurchasingGroup
from notifications.emails import absolute
from notifications.services import queue_email
from orders.models import Product
from seats import data_rules
from seats.selectors import seats_to_hand_out
from seats.services import assign_seat
from seats.services._base import clean_answers, refuse_first

from .. import rules
from ..access import require_manager
from ..domains import parse_domains
from ..emails import JoinEmail
from ..models import RequestDomain, RequestLink, SeatRequest
from ..tokens import hash_token, new_token, token_for


def request_url(link: RequestLink) -> str:
    return absolute(reverse("request_seat_link", args=[token_for(link.token_nonce)]))


def check_request_token(token: str) -> RequestLink | None:
    return (
        RequestLink.objects.select_related("group__store")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )


def replace_request_link(*, group: PurchasingGroup, actor: User) -> RequestLink:
    """A new request link for the group; the one shared before stops working."""
    require_manager(actor, group.pk)
    nonce, token_hash = new_token()
    with transaction.atomic():
        link, _ = RequestLink.objects.select_for_update().update_or_create(
            group=group,
            defaults={
                "token_nonce": nonce,
                "token_hash": token_hash,
                "created_by": actor,
                "created_at": timezone.now(),
            },
        )
        record_change(actor=actor, record=group, message="Seat-request link replaced.")
    return link


def set_request_domains(*, group: PurchasingGroup, actor: User, domains: str) -> list[str]:
    """The email domains whose people may ask the group for a seat, replacing the previous."""
    require_manager(actor, group.pk)
    parsed, problem = parse_domains(domains)
    refuse_first([problem])
    with transaction.atomic():
        RequestDomain.objects.filter(group=group).exclude(domain__in=parsed).delete()
        RequestDomain.objects.bulk_create(
            [RequestDomain(group=group, domain=domain) for domain in parsed],
            ignore_conflicts=True,
        )
        listed = " ".join(parsed) or "none"
        record_change(actor=actor, record=group, message=f"Seat-request domains: {listed}.")
    return parsed


def request_seat(
    *,
    learner: User,
    group: PurchasingGroup,
    product: Product,
    note: str = "",
    answers: dict | None = None,
    via_link: bool = False,
) -> SeatRequest:
    """The learner asks the group for a seat in the product, with the answers the store asks
    for (checked now, kept for the assignment). ``via_link``: they opened the group's request
    link (the view checked its token)."""
    note = (note or "").strip()
    refuse_first(
        [
            *rules.request_problems(group, product, learner, via_link=via_link),
            data_rules.message_problem(note),
        ]
    )
    cleaned = clean_answers(product, answers)
    try:
        with transaction.atomic():
            return SeatRequest.objects.create(
                group=group,
                product=product,
                learner=learner,
                note=note,
                answers={str(question.pk): value for question, value in cleaned.items()},
            )
    except IntegrityError as error:  # the same request from another tab, a moment ago
        raise SeatActionError(rules.no_pending_request(product, learner) or str(error)) from error


def _lock_pending(request: SeatRequest, actor: User) -> SeatRequest:
    request = (
        SeatRequest.objects.select_for_update(of=("self",))
        .select_related("product", "learner", "group")
        .get(pk=request.pk)
    )
    require_manager(actor, request.group_id)
    refuse_first([rules.pending(request)])
    return request


def _decide(request: SeatRequest, state: SeatRequest.State, *, actor: User, note: str) -> None:
    request.state = state
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "seat"])
    queue_email(
        kind=JoinEmail.REQUEST_DECIDED,
        to=request.learner.email,
        context={"seat_request_id": request.pk},
    )


def approve_seat_request(*, request: SeatRequest, actor: User, note: str = "") -> SeatRequest:
    """Assign an available seat of the group to the learner, through the assignment service
    and its rules. The request's row lock makes a second approval wait, then find it decided."""
    note = (note or "").strip()
    refuse_first([data_rules.message_problem(note)])
    with transaction.atomic():
        request = _lock_pending(request, actor)
        seat = (
            seats_to_hand_out(group_id=request.group_id, product_id=request.product_id)
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        if seat is None:
            raise SeatActionError(
                f"{request.group} has no available seat in {request.product}; buy seats or "
                "free one, then approve."
            )
        request.seat = assign_seat(
            seat=seat.pk,
            actor=actor,
            email=request.learner.email,
            answers=request.answers,
            details={"seat_request_id": request.pk},
            notify=False,
        )
        _decide(request, SeatRequest.State.APPROVED, actor=actor, note=note)
    return request


def decline_seat_request(*, request: SeatRequest, actor: User, note: str = "") -> SeatRequest:
    note = (note or "").strip()
    refuse_first([data_rules.message_problem(note)])
    with transaction.atomic():
        request = _lock_pending(request, actor)
        _decide(request, SeatRequest.State.DECLINED, actor=actor, note=note)
    return request
