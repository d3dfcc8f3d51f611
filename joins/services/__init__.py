"""Every action on join links and seat requests; the seats themselves move through the seat
services (``take_seat``, ``assign_seat``)."""

from .links import (
    check_join_token,
    create_join_link,
    join_through_link,
    join_url,
    pause_join_link,
    resume_join_link,
    revoke_join_link,
)
from .requests import (
    approve_seat_request,
    check_request_token,
    decline_seat_request,
    replace_request_link,
    request_seat,
    request_url,
    set_request_domains,
)

__all__ = [
    "approve_seat_request",
    "check_join_token",
    "check_request_token",
    "create_join_link",
    "decline_seat_request",
    "join_through_link",
    "join_url",
    "pause_join_link",
    "replace_request_link",
    "request_seat",
    "request_url",
    "resume_join_link",
    "revoke_join_link",
    "set_request_domains",
]
