"""Figures 4 and 5: a page's server time and SQL queries as the data grows (in-process client)."""

import time

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


def order_page() -> Figure:
    store, group, agent, product = store_with_agent()
    small = paid_order(store, group, agent, product, 10)
    assign_some(small, agent, 5, "small")
    big = paid_order(store, group, agent, product, 10_000)
    assign_some(big, agent, 5_000, "big")
    client = Client()
    client.force_login(agent)
    analyze()
    small_time, small_queries, _ = page_cost(client, f"/account/orders/{small.pk}/")
    filler_seats(1_000_000, store, group, agent, product)
    analyze()
    big_time, big_queries, slowest = page_cost(client, f"/account/orders/{big.pk}/")
    ratio = big_time / small_time
    return Figure(
        number=4,
        name="order page: 10k-seat order in 1M seats vs 10",
        value=big_time * 1000,
        unit="ms",
        reference_name="10-seat order",
        reference=small_time * 1000,
        target="same queries, <= 1.5x",
        ok=big_queries == small_queries and ratio <= 1.5,
        notes={
            "queries (10 seats / 10k of 1M)": f"{small_queries} / {big_queries}",
            "slowest": [(round(t * 1000, 1), q[:160]) for t, q in slowest],
        },
    )


def admin_changelist() -> Figure:
    from accounts.models import User

    store, group, agent, product = store_with_agent()
    admin = User.objects.create_superuser(email="bench-admin@bench.example", password="x")
    client = Client()
    client.force_login(admin)
    order = paid_order(store, group, agent, product, 1_000)
    assign_some(order, agent, 500, "admin")
    analyze()
    small_time, small_queries, _ = page_cost(client, "/admin/seats/seat/")
    filler_seats(100_000, store, group, agent, product)
    analyze()
    big_time, big_queries, slowest = page_cost(client, "/admin/seats/seat/")
    ratio = big_time / small_time
    return Figure(
        number=5,
        name="admin seat changelist: 100k seats vs 1k",
        value=big_time * 1000,
        unit="ms",
        reference_name="1,000 seats",
        reference=small_time * 1000,
        target="same queries, <= 2x",
        ok=big_queries == small_queries and ratio <= 2,
        notes={
            "queries (1k / 100k)": f"{small_queries} / {big_queries}",
            "slowest": [(round(t * 1000, 1), q[:160]) for t, q in slowest],
        },
    )
