"""Figure 8: 1,000 webhook deliveries from the agent's bulk action to a local receiver that
verifies every signature, through Redis and 2 Celery worker processes: the rate, the p99 latency
from the event to its arrival, every event received once; against 2 plain processes posting the
same signed request over one reused connection each."""

import multiprocessing
import statistics
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook

from imports.bulk import RecipientRow, bulk_email_redemptions
from seatstore.celery import app
from webhooks import services
from webhooks.models import Delivery, EventType
from webhooks.sending import body_of, signed_headers

from . import webhook_client
from .common import Figure
from .data import paid_order, store_with_agent
from .emails import celery_worker

DELIVERIES = 1_000


class Receiver:
    """Counts what it verified, by ``webhook-id``, with the seconds from each event to its
    arrival."""

    def __init__(self):
        self.secret = ""
        self.ids: Counter[str] = Counter()
        self.latencies: list[float] = []
        self.unverified = 0
        self.lock = threading.Lock()

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        arrived = time.time()
        body = handler.rfile.read(int(handler.headers["content-length"]))
        headers = dict(handler.headers.items())
        try:
            payload = Webhook(self.secret).verify(body, headers) if self.secret else None
        except Exception:
            payload, verified = None, False
        else:
            verified = True
        with self.lock:
            if not verified:
                self.unverified += 1
            self.ids[headers.get("webhook-id", "")] += 1
            if payload:
                sent = datetime.fromisoformat(payload["timestamp"]).timestamp()
                self.latencies.append(arrived - sent)
        handler.send_response(204)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    @property
    def total(self) -> int:
        return sum(self.ids.values())

    def wait_for(self, count: int, timeout: float = 300) -> float:
        deadline = time.monotonic() + timeout
        while self.total < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {self.total} of {count} webhooks arrived")
            time.sleep(0.01)
        return time.perf_counter()


@contextmanager
def receiving():
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            receiver.handle(self)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield receiver, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def reference_rate(port: int, receiver: Receiver, delivery: Delivery) -> float:
    """Two plain processes, one reused connection each, posting one signed request over and
    over (verified by the receiver like the others)."""
    receiver.ids.clear()
    receiver.latencies.clear()
    body = body_of(delivery)
    headers = signed_headers(delivery, body, datetime.now(UTC))
    start = time.perf_counter()
    spawn = multiprocessing.get_context("spawn")
    posters = [
        spawn.Process(
            target=webhook_client.post, args=(port, body.encode(), headers, DELIVERIES // 2)
        )
        for _ in range(2)
    ]
    for poster in posters:
        poster.start()
    end = receiver.wait_for(DELIVERIES)
    for poster in posters:
        poster.join()
    return DELIVERIES / (end - start)


def run() -> list[Figure]:
    app.control.purge()
    store, group, agent, product = store_with_agent()
    order = paid_order(store, group, agent, product, DELIVERIES)
    rows = [RecipientRow(row=n + 2, email=f"r{n}@bench.example") for n in range(DELIVERIES)]
    with receiving() as (receiver, port), celery_worker(port):
        endpoint = services.register_endpoint(
            actor=agent, url=f"http://127.0.0.1:{port}/hooks", events=[EventType.LINK_EMAILED]
        )
        receiver.secret = endpoint.secret
        start = time.perf_counter()
        bulk_email_redemptions(order=order, actor=agent, rows=rows)
        action_seconds = time.perf_counter() - start
        end = receiver.wait_for(DELIVERIES)
        app_rate = DELIVERIES / (end - start)
        received, unique = receiver.total, len(receiver.ids)
        latencies = sorted(receiver.latencies)
        unverified = receiver.unverified
        deadline = time.monotonic() + 30
        while Delivery.objects.filter(status="pending").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        reference = reference_rate(port, receiver, Delivery.objects.select_related("endpoint")[0])
    not_delivered = Delivery.objects.exclude(status="delivered").count()
    p99 = statistics.quantiles(latencies, n=100)[98] if len(latencies) > 1 else float("nan")
    ok = received == unique == DELIVERIES and not_delivered == 0 and unverified == 0
    return [
        Figure(
            number=8,
            name=f"{DELIVERIES:,} webhooks via Redis + 2 workers",
            value=app_rate,
            unit="req/s",
            reference_name="2 plain HTTP processes",
            reference=reference,
            target="all once, signed (rate reported)",
            ok=ok,
            notes={
                "received / unique": f"{received} / {unique}",
                "unverified signatures": unverified,
                "not marked delivered": not_delivered,
                "p50 latency s": round(statistics.median(latencies), 3),
                "p99 latency s": round(p99, 3),
                "app seconds": round(DELIVERIES / app_rate, 2),
                "of which the agent's bulk action": round(action_seconds, 2),
            },
        )
    ]
