"""Whether a join link lets someone in, and whether a learner may ask a group for a seat, decided
once. Each rule returns its problem, a sentence for the person who tried, or ``None``. The pages
offer "Join" and "Request" only where these find nothing; the services ask again under their
locks and raise the first problem."""

from django.db.models import TextChoices
from django.utils import formats, timezone

from accounts.models import User
from groups.models import PurchasingGroup
from seats import data_rules
from seats.models import Seat
from seats.selectors import hand_out_pool

from .domains import email_domain, listed_domains
from .models import JoinClaim, JoinLink, RequestDomain, SeatRequest

# --- Join links ---------------------------------------------------------------------------------


def link_paused(link: JoinLink) -> str | None:
    if link.state == JoinLink.State.PAUSED:
        return "This join link is paused for now; try again later or ask the person who shared it."
    return None


def link_revoked(link: JoinLink) -> str | None:
    if link.state == JoinLink.State.REVOKED:
        return "This join link was withdrawn by the person who shared it."
    return None


def _expiry(link: JoinLink) -> str:
    return formats.date_format(timezone.localtime(link.expires_at), "j F Y, H:i T")


def link_expired(link: JoinLink) -> str | None:
    if link.has_expired:
        return (
            f"This join link expired on {_expiry(link)}; ask the person who shared it for a "
            "new one."
        )
    return None


def link_full(link: JoinLink, claims: int) -> str | None:
    if claims >= link.cap:
        return "This join link is full: every place it offered has been taken."
    return None


def domain_allowed(domains: list[str], email: str) -> str | None:
    if domains and email_domain(email) not in domains:
        return (
            f"This link is for addresses at {listed_domains(domains)}; you are signed in as "
            f"{email}."
        )
    return None


def link_problems(link: JoinLink, *, claims: int) -> list[str]:
    """What keeps anyone from joining through the link now; ``claims`` is how many joined."""
    found = (link_revoked(link), link_paused(link), link_expired(link), link_full(link, claims))
    return [problem for problem in found if problem]


class LinkStatus(TextChoices):
    """What a join link is now, as its agent sees it: its stored state, unless its expiry or its
    cap has closed it since."""

    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    EXPIRED = "expired", "Expired"
    FULL = "full", "Full"
    REVOKED = "revoked", "Revoked"


def link_status(link: JoinLink, *, claims: int) -> LinkStatus:
    """Revoked is for good, and an expired or full link stays closed whether paused or not."""
    if link.state == JoinLink.State.REVOKED:
        return LinkStatus.REVOKED
    if link.has_expired:
        return LinkStatus.EXPIRED
    if link_full(link, claims):
        return LinkStatus.FULL
    return LinkStatus(link.state)


LINK_CHANGES: dict[str, tuple[JoinLink.State, frozenset[LinkStatus]]] = {
    "pause": (JoinLink.State.PAUSED, frozenset({LinkStatus.ACTIVE})),
    "resume": (JoinLink.State.ACTIVE, frozenset({LinkStatus.PAUSED})),
    "revoke": (JoinLink.State.REVOKED, frozenset(set(LinkStatus) - {LinkStatus.REVOKED})),
}
"""What each change makes of a link, and from which statuses: pausing or resuming a link that
nobody can join any more would change nothing, so only revoking is left for it."""


def link_change_problem(link: JoinLink, change: str, *, claims: int) -> str | None:
    """Why the agent cannot make this change to the link now, or None."""
    status = link_status(link, claims=claims)
    if status in LINK_CHANGES[change][1]:
        return None
    if status == LinkStatus.REVOKED:
        if change == "revoke":
            return "This link is already revoked; refresh the page."
        return "This link is revoked for good; create a new link to share the course again."
    if status == LinkStatus.EXPIRED:
        return (
            f"This link expired on {_expiry(link)}: nobody can join through it, so there is "
            f"nothing to {change}. Revoke it, or create a new link."
        )
    if status == LinkStatus.FULL:
        return (
            f"This link is full: all {link.cap} places are taken, so there is nothing to "
            f"{change}. Revoke it, or create a new link."
        )
    if status == LinkStatus.PAUSED:
        return "This link is already paused; refresh the page."
    return "This link is not paused, so there is nothing to resume; refresh the page."


def offered_changes(link: JoinLink, *, claims: int) -> list[str]:
    """The changes the pages offer: those ``link_change_problem`` lets through."""
    return [
        change for change in LINK_CHANGES if not link_change_problem(link, change, claims=claims)
    ]


def enrolled(product, user: User) -> str | None:
    """The assignment's "already enrolled" rule (``seats.data_rules``), told to the learner."""
    if data_rules.enrollment_problems(product, [user.email]):
        return f"You are already enrolled in {product}; your course is under My training."
    return None


def already_joined(link: JoinLink, user: User) -> str | None:
    """Asked before the link's own rules: someone who joined is told so even once it is full."""
    if JoinClaim.objects.filter(link=link, learner=user).exists():
        return f"You already joined {link.product} through this link; it is under My training."
    return None


def joiner_problems(link: JoinLink, user: User) -> list[str]:
    """What keeps this person from joining through an open link: their address, an active
    enrollment in the course."""
    found = (domain_allowed(link.domains, user.email), enrolled(link.product, user))
    return [problem for problem in found if problem]


def join_problems(link: JoinLink, user: User, *, claims: int) -> list[str]:
    problems = [already_joined(link, user), *link_problems(link, claims=claims)]
    return [problem for problem in problems if problem] + joiner_problems(link, user)


# --- Seat requests ------------------------------------------------------------------------------


def may_ask(group: PurchasingGroup, user: User, *, via_link: bool) -> str | None:
    """People at one of the group's domains may ask it for a seat, and anyone holding its
    request link."""
    if via_link:
        return None
    if RequestDomain.objects.filter(group=group, domain=email_domain(user.email)).exists():
        return None
    return (
        f"{group} takes seat requests from its own people only; ask its purchasing agent for the "
        "request link."
    )


def offers_product(group: PurchasingGroup, product) -> str | None:
    seats = Seat.objects.filter(owner_group=group, order_line__product=product)
    if not hand_out_pool(seats).exists():
        return f"{group} has no seats in {product}."
    return None


def no_pending_request(product, user: User) -> str | None:
    if SeatRequest.objects.filter(
        learner=user, product=product, state=SeatRequest.State.PENDING
    ).exists():
        return f"You already asked for a seat in {product}; the purchasing agent will answer soon."
    return None


def request_problems(group: PurchasingGroup, product, user: User, *, via_link: bool) -> list[str]:
    found = (
        may_ask(group, user, via_link=via_link),
        offers_product(group, product),
        enrolled(product, user),
        no_pending_request(product, user),
    )
    return [problem for problem in found if problem]


def pending(request: SeatRequest) -> str | None:
    if request.state != SeatRequest.State.PENDING:
        return f"This request was already {request.get_state_display().lower()}; refresh the page."
    return None
