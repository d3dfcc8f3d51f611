from collections import defaultdict

from ninja import Router

from seats.capacity import capacity

from .. import scope
from ..pagination import page
from ..schemas import GroupPage
from .common import READ_ERRORS, cursor, limit

router = Router(tags=["groups"])


@router.get("/groups", response={200: GroupPage, **READ_ERRORS}, summary="Groups and capacity")
def list_groups(request, cursor: str | None = cursor(), limit: int = limit()):
    """The purchasing groups the key's user is an agent of, each with its seats per course and
    status (``seats.capacity``, the Groups page's figures). Two queries a page."""
    groups, next_cursor = page(
        scope.groups(request.auth).select_related("store"), cursor=cursor, limit=limit
    )
    rows = defaultdict(list)
    for row in capacity([group.pk for group in groups]):
        rows[row["owner_group_id"]].append(
            row
            | {
                "course_id": row["order_line__product_id"],
                "course": row["order_line__product__name"],
            }
        )
    items = [
        {"id": group.pk, "name": group.name, "store": group.store.name, "capacity": rows[group.pk]}
        for group in groups
    ]
    return {"items": items, "next_cursor": next_cursor}
