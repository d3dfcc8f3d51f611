"""Every action that changes a seat, one function each. Views, admin actions, imports, tasks and
tests call these; nothing else changes a seat's status."""

from .assignment import (
    assign_seat,
    enroll_retail_buyer,
    take_seat,
    transfer_seat,
    unassign_seat,
)
from .ownership import change_seat_owner_group, set_order_owner_group
from .redemption import (
    LinkError,
    LinkProblem,
    cancel_redemption,
    check_link,
    correct_recipient,
    email_redemption,
    expire_redemptions,
    redeem_link,
    remind_redemptions,
    resend_redemption,
)
from .returns import approve_return, deny_return, refund_seat, refundable_amount, request_return

__all__ = [
    "LinkError",
    "LinkProblem",
    "approve_return",
    "assign_seat",
    "cancel_redemption",
    "change_seat_owner_group",
    "check_link",
    "correct_recipient",
    "deny_return",
    "email_redemption",
    "enroll_retail_buyer",
    "expire_redemptions",
    "redeem_link",
    "refund_seat",
    "refundable_amount",
    "remind_redemptions",
    "request_return",
    "resend_redemption",
    "set_order_owner_group",
    "take_seat",
    "transfer_seat",
    "unassign_seat",
]
