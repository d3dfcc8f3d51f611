"""Who manages which join links and seat requests: the agents of their group (and store admins,
who work in the admin). Pages reach rows through these, so another organization's ids are 404."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.errors import SeatActionError
from groups.models import PurchasingGroup
from seats.access import is_agent_of, is_store_admin, managed_group_ids

from .models import JoinLink, SeatRequest


def manages_group(user, group_id: int) -> bool:
    return is_store_admin(user) or is_agent_of(user, group_id)


def require_manager(user, group_id: int) -> None:
    if not manages_group(user, group_id):
        raise SeatActionError("You are not a purchasing agent of this group.")


def groups_managed_by(user) -> QuerySet[PurchasingGroup]:
    return PurchasingGroup.objects.filter(pk__in=managed_group_ids(user)).select_related("store")


def access_group(user, group_id: int) -> PurchasingGroup:
    return get_object_or_404(groups_managed_by(user), pk=group_id)


def links_managed_by(user) -> QuerySet[JoinLink]:
    return JoinLink.objects.filter(group_id__in=managed_group_ids(user))


def access_join_link(user, link_id: int) -> JoinLink:
    return get_object_or_404(
        links_managed_by(user).select_related("group__store", "product", "created_by"),
        pk=link_id,
    )


def requests_of_groups(group_ids) -> QuerySet[SeatRequest]:
    """The requests the agents of these groups (ids, or a subquery of them) decide."""
    return SeatRequest.objects.filter(group_id__in=group_ids)


def requests_managed_by(user) -> QuerySet[SeatRequest]:
    return requests_of_groups(managed_group_ids(user))


def access_seat_request(user, request_id: int) -> SeatRequest:
    return get_object_or_404(requests_managed_by(user), pk=request_id)
