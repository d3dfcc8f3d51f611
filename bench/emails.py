"""Figure 2: 5,000 redemption emails from the agent's bulk action to the last message received by
a local SMTP server, through Redis and 2 Celery worker processes; against the same server fed by
2 plain processes over one reused connection each."""

import logging
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from aiosmtpd.controller import Controller

from imports.bulk import RecipientRow, bulk_email_redemptions
from notifications.models import OutboundEmail
from seats.models import Redemption
from seatstore.celery import app

from . import smtp_client
from .common import Figure
from .data import paid_order, store_with_agent

EMAILS = 5_000
ROOT = Path(__file__).resolve().parent.parent
HEADER = re.compile(rb"^X-Seatstore-Email: (\d+)", re.MULTILINE)


class Sink:
    """An SMTP server that counts what it accepts, by the outbox id each email carries."""

    def __init__(self):
        self.ids: list[bytes] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        match = HEADER.search(envelope.content)
        with self.lock:
            self.ids.append(match.group(1) if match else b"")
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 300) -> float:
        """Seconds until ``count`` messages have arrived (polling; the clock is the caller's)."""
        deadline = time.monotonic() + timeout
        while len(self.ids) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {len(self.ids)} of {count} emails arrived")
            time.sleep(0.01)
        return time.perf_counter()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_sink():
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def reference_rate(port: int, sink: Sink, raw: bytes) -> float:
    """Two plain processes, one reused connection each, the same message bytes."""
    sink.ids.clear()
    start = time.perf_counter()  # includes starting the processes, as a worker is already up
    spawn = multiprocessing.get_context("spawn")
    senders = [
        spawn.Process(target=smtp_client.send, args=(port, raw, EMAILS // 2)) for _ in range(2)
    ]
    for sender in senders:
        sender.start()
    end = sink.wait_for(EMAILS)
    for sender in senders:
        sender.join()
    return EMAILS / (end - start)


@contextmanager
def celery_worker(port: int):
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
    }
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "seatstore",
            "worker",
            "--concurrency",
            "2",
            "--pool",
            "prefork",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if time.monotonic() > deadline:
                raise TimeoutError("the Celery worker did not start")
        yield
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def run() -> list[Figure]:
    from notifications.emails import build_message

    app.control.purge()
    store, group, agent, product = store_with_agent()
    order = paid_order(store, group, agent, product, EMAILS)
    rows = [
        RecipientRow(
            row=n + 2,
            email=f"recipient{n}@bench.example",
            message="Welcome aboard: this is your seat.",
        )
        for n in range(EMAILS)
    ]
    with smtp_sink() as (sink, port):
        with celery_worker(port):
            start = time.perf_counter()
            bulk_email_redemptions(order=order, actor=agent, rows=rows)
            action_seconds = time.perf_counter() - start
            end = sink.wait_for(EMAILS)
            app_rate = EMAILS / (end - start)
            received, unique = len(sink.ids), len(set(sink.ids))
            deadline = time.monotonic() + 30
            while OutboundEmail.objects.filter(status="pending").exists():
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
        raw = build_message(OutboundEmail.objects.first()).message().as_bytes(linesep="\r\n")
        reference = reference_rate(port, sink, raw)
    not_sent = Redemption.objects.exclude(delivery_status="sent").count()
    ok = app_rate >= 0.5 * reference and received == unique == EMAILS and not_sent == 0
    return [
        Figure(
            number=2,
            name=f"{EMAILS:,} redemption emails via Redis + 2 workers",
            value=app_rate,
            unit="msg/s",
            reference_name="2 plain SMTP processes",
            reference=reference,
            target=">= 0.5x, all once",
            ok=ok,
            notes={
                "received / unique": f"{received} / {unique}",
                "redemptions not marked sent": not_sent,
                "app seconds": round(EMAILS / app_rate, 2),
                "of which the agent's bulk action": round(action_seconds, 2),
            },
        )
    ]
