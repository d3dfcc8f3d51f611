"""Figures 8 and 9: the API's seat list. 8: 25 seats a page under gunicorn (2 sync workers) and
wrk (16 connections), against figure 3's minimal three-query page. 9: its queries and server time
for a page deep in 1,000,000 seats against a page of 10 seats (keyset pagination)."""

from django.test import Client

from api.keys import create_key
from api.pagination import encode
from seats.models import Seat

from .common import Figure, analyze
from .data import assign_some, filler_seats, paid_order, store_with_agent
from .server_time import growth_figure
from .throughput import gunicorn, session_cookie, wrk

SEATS = "/api/v1/seats?limit=25"


def _key(agent) -> str:
    return f"Bearer {create_key(user=agent, name='Bench')[1]}"


def throughput() -> Figure:
    store, group, agent, product = store_with_agent()
    order = paid_order(store, group, agent, product, 2_000)
    assign_some(order, agent, 1_000, "load")
    analyze()
    key, cookie = _key(agent), f"Cookie: {session_cookie(agent)}"
    page = f"{SEATS}&order={order.pk}&cursor={encode(order.seats.order_by('pk')[500].pk)}"
    with gunicorn():
        wrk(page, f"Authorization: {key}")  # warm both workers
        api_rate, api_p99 = wrk(page, f"Authorization: {key}")
        ref_rate, ref_p99 = wrk(f"/bench/minimal/{order.pk}/", cookie)
    return Figure(
        number=9,
        name="API seat list (25) under gunicorn, 16 connections",
        value=api_rate,
        unit="req/s",
        reference_name="minimal 3-query page",
        reference=ref_rate,
        target=">= 0.5x",
        ok=api_rate >= 0.5 * ref_rate,
        notes={"p99 API (ms)": api_p99, "p99 minimal page (ms)": ref_p99},
    )


def growth() -> Figure:
    store, group, agent, product = store_with_agent()
    small = paid_order(store, group, agent, product, 10)
    assign_some(small, agent, 5, "small")
    client = Client(headers={"Authorization": _key(agent)})

    def deep_page() -> str:
        near_the_end = Seat.objects.order_by("-pk").values_list("pk", flat=True)[100]
        return f"{SEATS}&cursor={encode(near_the_end)}"

    return growth_figure(
        client,
        small_url=SEATS,
        big_url=deep_page,
        grow=lambda: filler_seats(1_000_000, store, group, agent, product),
        limit=2,
        number=10,
        name="API seat list: page deep in 1M seats vs 10",
        reference_name="10 seats",
    )


def run() -> list[Figure]:
    return [throughput(), growth()]
