"""Figure 7: the weekly digest task with the same 50 agents managing 1,000 seats, then 1,000,000.

Its queries must not grow with the seats (one aggregate per kind for every agent at once); its
time grows only as fast as PostgreSQL counts the seats of each group."""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from accounts.models import User
from alerts.digest import send_weekly_digests
from alerts.models import WeeklyDigest
from groups.models import GroupMembership, PurchasingGroup
from notifications.models import OutboundEmail
from orders.models import PurchasingAgentAgreement
from seats.models import Redemption, ReturnRequest, Seat

from .common import Figure, analyze, best_of, sql
from .data import bulk_seats, paid_order, store_with_agent
from .server_time import QueryLog

AGENTS = 50


def _agents_and_orders():
    """50 groups of one store, each with its own agent and one paid order."""
    store, _, _, product = store_with_agent()
    orders = []
    for n in range(AGENTS):
        group = PurchasingGroup.objects.create(store=store, name=f"Digest group {n}")
        agent = User.objects.create_user(email=f"digest-{n}@bench.example", password="x")
        GroupMembership.objects.create(group=group, user=agent)
        PurchasingAgentAgreement.objects.create(user=agent, store=store, status="active")
        orders.append(paid_order(store, group, agent, product, 1))
    return orders


def _grow(orders, seats_per_order: int) -> None:
    """Bring each order to ``seats_per_order`` seats, then hand some out, set-based: a tenth of
    each group's seats emailed ten days ago (all of them but a twentieth in every fifth group,
    which runs low), and one seat in a hundred returned this week."""
    for order in orders:
        line = order.lines.get()
        bulk_seats(order, line, seats_per_order - line.quantity, order.owner_group_id)
    seats, links, returns = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (Seat, Redemption, ReturnRequest)
    )
    sql(
        f"UPDATE {seats} s SET status = 'awaiting' FROM orders_order o "
        "WHERE s.order_id = o.id AND s.status = 'available' AND o.store_id = %s AND "
        "(s.id %% 10 = 0 OR (s.owner_group_id %% 5 = 0 AND s.id %% 20 <> 1))",
        [orders[0].store_id],
    )
    sql(
        f"INSERT INTO {links} (seat_id, recipient_email, message, token_hash, token_nonce, "
        "created_by_id, created_at, expires_at, state, ended_at, send_count, reminders_sent, "
        "last_sent_at, delivery_status) SELECT s.id, 'r' || s.id || '@bench.example', '', "
        "md5(s.id::text) || md5('link' || s.id), '', o.buyer_id, now() - interval '10 days', "
        "now() + interval '20 days', 'pending', NULL, 1, 0, now() - interval '10 days', 'sent' "
        f"FROM {seats} s JOIN orders_order o ON o.id = s.order_id WHERE s.status = 'awaiting' "
        f"AND NOT EXISTS (SELECT 1 FROM {links} r WHERE r.seat_id = s.id)"
    )
    sql(
        f"INSERT INTO {returns} (seat_id, requested_by_id, reason, state, created_at, "
        "decided_at, note) SELECT s.id, o.buyer_id, 'bench', 'approved', "
        "now() - interval '3 days', now() - interval '2 days', '' "
        f"FROM {seats} s JOIN orders_order o ON o.id = s.order_id "
        "WHERE s.status = 'available' AND s.id %% 100 = 7 "
        f"AND NOT EXISTS (SELECT 1 FROM {returns} r WHERE r.seat_id = s.id)",
        [],
    )


def _cost() -> tuple[float, int, int]:
    """(best seconds, queries, digests) of a run; each run starts from no digest this week."""

    def run() -> int:
        WeeklyDigest.objects.all().delete()
        OutboundEmail.objects.filter(kind="weekly_digest").delete()
        return send_weekly_digests(now=timezone.now() + timedelta(hours=1))

    analyze()
    log = QueryLog()
    with connection.execute_wrapper(log):
        sent = run()
    return best_of(3, run), len(log.entries), sent


def run() -> list[Figure]:
    orders = _agents_and_orders()
    _grow(orders, 1_000 // AGENTS)
    small_time, small_queries, small_sent = _cost()
    _grow(orders, 1_000_000 // AGENTS)
    big_time, big_queries, big_sent = _cost()
    return [
        Figure(
            number=7,
            name="weekly digest: 50 agents, 1M seats vs 1k",
            value=big_time * 1000,
            unit="ms",
            reference_name="1,000 seats",
            reference=small_time * 1000,
            target="same queries, no per-seat loop",
            ok=big_queries == small_queries and big_sent == small_sent == AGENTS,
            notes={
                "queries (1k / 1M seats)": f"{small_queries} / {big_queries}",
                "digests queued (1k / 1M seats)": f"{small_sent} / {big_sent}",
            },
        )
    ]
