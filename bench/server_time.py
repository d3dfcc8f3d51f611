"""Figures 4 and 5: a page's server time and SQL queries as the data grows (in-process client)."""

import time
from collections.abc import Callable

from django.db import connection
from django.test import Client

from .common import Figure, analyze, median_of
from .data import assign_some, filler_seats, paid_order, store_with_agent

REQUESTS = 30


class QueryLog:
    """Every statement a request runs, with its time (Django resets connection.queries at the
    start of each request, so the debug log cannot count them)."""

    def __init__(self):
        self.entries = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.entries.append((time.perf_counter() - start, sql))


def page_cost(client: Client, url: str) -> tuple[float, int, list]:
    """(median seconds, queries, slowest statements) of GET url; the first request warms caches
    and is not counted."""
    assert client.get(url).status_code == 200, url
    log = QueryLog()
    with connection.execute_wrapper(log):
        client.get(url)
    slowest = sorted(log.entries, reverse=True)[:3]
    return median_of(REQUESTS, lambda: client.get(url)), len(log.entries), slowest


def growth_figure(
    client: Client,
    *,
    small_url: str,
    big_url: str | Callable[[], str],
    grow,
    limit: float,
    **figure,
) -> Figure:
    """Measure a page, grow the database with ``grow()``, measure again: the same query count
    and at most ``limit`` times the time make the figure. ``big_url`` may be found once grown."""
    analyze()
    small_time, small_queries, _ = page_cost(client, small_url)
    grow()
    analyze()
    big_url = big_url() if callable(big_url) else big_url
    big_time, big_queries, slowest = page_cost(client, big_url)
    return Figure(
        value=big_time * 1000,
        unit="ms",
        reference=small_time * 1000,
        target=f"same queries, <= {limit:g}x",
        ok=big_queries == small_queries and big_time / small_time <= limit,
        notes={
            "queries (before / after growing)": f"{small_queries} / {big_queries}",
            "slowest": [(round(t * 1000, 1), q[:160]) for t, q in slowest],
        },
        **figure,
    )


def order_page() -> Figure:
    store, group, agent, product = store_with_agent()
    small = paid_order(store, group, agent, product, 10)
    assign_some(small, agent, 5, "small")
    big = paid_order(store, group, agent, product, 10_000)
    assign_some(big, agent, 5_000, "big")
    client = Client()
    client.force_login(agent)
    return growth_figure(
        client,
        small_url=f"/account/orders/{small.pk}/",
        big_url=f"/account/orders/{big.pk}/",
        grow=lambda: filler_seats(1_000_000, store, group, agent, product),
        limit=1.2,
        number=4,
        name="order page: 10k-seat order in 1M seats vs 10",
        reference_name="10-seat order",
    )


def admin_changelist() -> Figure:
    from allauth.mfa.totp.internal.auth import TOTP

    from accounts.models import User

    store, group, agent, product = store_with_agent()
    admin = User.objects.create_superuser(email="bench-admin@bench.example", password="x")
    TOTP.activate(admin, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")  # staff must have a second factor
    client = Client()
    client.force_login(admin)
    order = paid_order(store, group, agent, product, 1_000)
    assign_some(order, agent, 500, "admin")
    return growth_figure(
        client,
        small_url="/admin/seats/seat/",
        big_url="/admin/seats/seat/",
        grow=lambda: filler_seats(100_000, store, group, agent, product),
        limit=1.5,
        number=5,
        name="admin seat changelist: 100k seats vs 1k",
        reference_name="1,000 seats",
    )
