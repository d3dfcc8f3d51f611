"""Join links: an agent opens one, pauses, resumes or revokes it; a learner takes a seat through
it, first come first served, never past its cap or the seats there are."""

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.audit import record_change
from core.errors import SeatActionError
from groups.models import PurchasingGroup
from notifications.emails import absolute
from orders.models import Product
from seats.selectors import seats_to_hand_out
from seats.services import take_seat
from seats.services._base import refuse_first

from .. import rules
from ..access import require_manager
from ..domains import parse_domains
from ..models import JoinClaim, JoinLink
from ..tokens import hash_token, new_token, token_for

MAX_CAP = 10_000


def join_url(link: JoinLink) -> str:
    return absolute(reverse("join", args=[token_for(link.token_nonce)]))


def check_join_token(token: str) -> JoinLink | None:
    """The link behind a token, whatever its state (its page says why it does not work)."""
    return (
        JoinLink.objects.select_related("group__store", "product", "created_by")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )


def create_join_link(
    *,
    actor: User,
    group: PurchasingGroup,
    product: Product,
    cap: int,
    expires_at: datetime,
    allowed_domains: str = "",
) -> JoinLink:
    require_manager(actor, group.pk)
    domains, problem = parse_domains(allowed_domains)
    refuse_first(
        [
            problem,
            None if 0 < cap <= MAX_CAP else f"The cap is a number of people from 1 to {MAX_CAP:,}.",
            None if expires_at > timezone.now() else "The expiry must be in the future.",
            rules.offers_product(group, product),
        ]
    )
    nonce, token_hash = new_token()
    with transaction.atomic():
        link = JoinLink.objects.create(
            group=group,
            product=product,
            cap=cap,
            expires_at=expires_at,
            allowed_domains=" ".join(domains),
            token_nonce=nonce,
            token_hash=token_hash,
            created_by=actor,
        )
        record_change(actor=actor, record=link, message=f"Created for {cap} people.", added=True)
    return link


def _change(link: JoinLink, change: str, *, actor: User) -> JoinLink:
    """The rule that decides what the link's page offers decides here again, under the lock."""
    with transaction.atomic():
        link = JoinLink.objects.select_for_update().get(pk=link.pk)
        require_manager(actor, link.group_id)
        claims = JoinClaim.objects.filter(link=link).count()
        refuse_first([rules.link_change_problem(link, change, claims=claims)])
        link.state = rules.LINK_CHANGES[change][0]
        link.save(update_fields=["state"])
        record_change(actor=actor, record=link, message=f"Now {link.get_state_display().lower()}.")
    return link


def pause_join_link(*, link: JoinLink, actor: User) -> JoinLink:
    """Nobody joins until it is resumed."""
    return _change(link, "pause", actor=actor)


def resume_join_link(*, link: JoinLink, actor: User) -> JoinLink:
    return _change(link, "resume", actor=actor)


def revoke_join_link(*, link: JoinLink, actor: User) -> JoinLink:
    """For good: a revoked link never works again."""
    return _change(link, "revoke", actor=actor)


def join_through_link(*, token: str, user: User, answers: dict | None = None) -> JoinClaim:
    """The signed-in learner takes one available seat through the link. The link's row lock
    orders the claims, so counting them against the cap is exact; the seat is one nobody else
    has locked (an agent acting on it right now), and the seat service checks the assignment's
    rules again."""
    found = check_join_token(token)
    if found is None:
        raise SeatActionError("This join link is not valid.")
    with transaction.atomic():
        link = JoinLink.objects.select_for_update().get(pk=found.pk)
        link.product, link.group, link.created_by = found.product, found.group, found.created_by
        claims = JoinClaim.objects.filter(link=link).count()
        refuse_first(rules.join_problems(link, user, claims=claims))
        seat = (
            seats_to_hand_out(group_id=link.group_id, product_id=link.product_id)
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        if seat is None:
            raise SeatActionError(
                f"Every seat of {link.product} is taken for now; ask {link.created_by.email}, "
                "who shared the link."
            )
        seat = take_seat(
            seat=seat.pk, learner=user, answers=answers, details={"join_link_id": link.pk}
        )
        return JoinClaim.objects.create(link=link, learner=user, seat=seat)
