"""The Django admin, by topic: users, groups, stores and orders, seats and their transitions, the
returns queue, enrollments and Campus events, the records the services leave behind, the store
webhooks, and each organization's single sign-on. Django imports this module of every installed
app; importing the topics registers them."""

from . import accounts, campus, groups, joins, orders, records, returns, seat, sso, webhooks

__all__ = [
    "accounts",
    "campus",
    "groups",
    "joins",
    "orders",
    "records",
    "returns",
    "seat",
    "sso",
    "webhooks",
]
