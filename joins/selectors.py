"""Read queries of the join and request pages, each a fixed number of queries."""

from django.db.models import Count, Q, QuerySet

from groups.models import PurchasingGroup
from seats.models import Enrollment, Seat
from seats.selectors import hand_out_pool

from .access import links_managed_by, requests_managed_by, requests_of_groups
from .domains import email_domain
from .models import JoinLink, RequestLink, SeatRequest
from .tokens import hash_token


def groups_with_live_request_tokens(tokens: dict[str, str]) -> set[int]:
    """Of {group id: token} a browser kept, the groups whose token is still their request link."""
    if not tokens:
        return set()
    hashes = {hash_token(token): int(group_id) for group_id, token in tokens.items()}
    found = RequestLink.objects.filter(token_hash__in=hashes).values_list("token_hash", "group_id")
    return {group_id for token_hash, group_id in found if hashes[token_hash] == group_id}


def _requestable_groups(user, linked: set[int]) -> QuerySet[PurchasingGroup]:
    return PurchasingGroup.objects.filter(
        Q(request_domains__domain=email_domain(user.email)) | Q(pk__in=linked)
    ).distinct()


def requestable_group(user, group_id: int, *, linked: set[int]) -> PurchasingGroup | None:
    return _requestable_groups(user, linked).select_related("store").filter(pk=group_id).first()


def request_offers(user, *, linked: set[int]) -> list[dict]:
    """The (group, course) pairs the learner may ask for, with whether they already asked or are
    enrolled: the courses a group hands out seats in (``hand_out_pool``). Three queries."""
    rows = (
        hand_out_pool(Seat.objects.filter(owner_group__in=_requestable_groups(user, linked)))
        .values(
            "owner_group_id",
            "owner_group__name",
            "order_line__product_id",
            "order_line__product__name",
        )
        .distinct()
        .order_by("owner_group__name", "order_line__product__name")
    )
    pending = set(
        SeatRequest.objects.filter(learner=user, state=SeatRequest.State.PENDING).values_list(
            "product_id", flat=True
        )
    )
    enrolled = set(
        Enrollment.objects.filter(learner=user, status__in=Enrollment.ACTIVE).values_list(
            "product_id", flat=True
        )
    )
    return [
        {
            "group_id": row["owner_group_id"],
            "group": row["owner_group__name"],
            "product_id": row["order_line__product_id"],
            "product": row["order_line__product__name"],
            "pending": row["order_line__product_id"] in pending,
            "enrolled": row["order_line__product_id"] in enrolled,
        }
        for row in rows
    ]


def requests_of(user) -> QuerySet[SeatRequest]:
    return (
        SeatRequest.objects.filter(learner=user)
        .select_related("product", "group")
        .order_by("-created_at", "-id")
    )


def pending_requests(user) -> QuerySet[SeatRequest]:
    return (
        requests_managed_by(user)
        .filter(state=SeatRequest.State.PENDING)
        .select_related("product", "group", "learner")
        .order_by("created_at", "id")
    )


def waiting_requests(group_ids) -> QuerySet[SeatRequest]:
    """The pending requests of these groups (ids, or a subquery of them): the navigation's badge."""
    return requests_of_groups(group_ids).filter(state=SeatRequest.State.PENDING)


def waiting_request_count(group_ids) -> QuerySet:
    """``waiting_requests`` counted, as a subquery."""
    return waiting_requests(group_ids).values("state").annotate(n=Count("pk")).values("n")


def join_links(user) -> QuerySet[JoinLink]:
    return (
        links_managed_by(user)
        .select_related("group", "product")
        .annotate(joined=Count("claims"))
        .order_by("-created_at", "-id")
    )
