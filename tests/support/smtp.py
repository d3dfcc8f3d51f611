"""An SMTP server on localhost standing in for the email provider, which can misbehave on
purpose."""

import contextlib
import email
import logging
import threading
from collections import Counter
from collections.abc import Iterator

from aiosmtpd.controller import Controller

from tests.support.processes import free_port


class SmtpSink:
    """An SMTP server on a free localhost port standing in for the email provider.

    It counts the messages it accepted by their ``X-Seatstore-Email`` header (the outbox id), and
    can misbehave on purpose, decided by the arrival number of a message (1 for the first DATA
    it receives) or by the recipient:
    - ``drop``: arrival numbers at which it closes the connection instead of answering;
    - ``hold_at``: the arrival at which it stops before answering until ``release`` is set (then
      drops the connection): the message is never accepted, and ``held`` tells the test;
    - ``refuse``: {address: [reply, …]} RCPT replies given to the address's attempts in turn
      (then it is accepted), e.g. ``["550 5.1.1 No such user"] * 9``.
    """

    def __init__(self):
        self.accepted: Counter[str] = Counter()
        self.rcpt_attempts: Counter[str] = Counter()
        self.arrivals = 0
        self.drop: set[int] = set()
        self.hold_at: int | None = None
        self.held_email: str | None = None
        self.held = threading.Event()
        self.release = threading.Event()
        self.refuse: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def start(self) -> "SmtpSink":
        self._controller.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._controller.stop()

    @property
    def total(self) -> int:
        return sum(self.accepted.values())

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self._lock:
            attempt = self.rcpt_attempts[address]
            self.rcpt_attempts[address] += 1
        replies = self.refuse.get(address, [])
        if attempt < len(replies):
            return replies[attempt]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        email_id = email.message_from_bytes(envelope.content)["X-Seatstore-Email"]
        with self._lock:
            self.arrivals += 1
            arrival = self.arrivals
        if arrival == self.hold_at:
            self.held_email = email_id
            self.held.set()
            await server.loop.run_in_executor(None, self.release.wait)
            return self._hang_up(server)
        if arrival in self.drop:
            return self._hang_up(server)
        with self._lock:
            self.accepted[email_id] += 1
        return "250 Message accepted for delivery"

    @staticmethod
    def _hang_up(server) -> str:
        server.transport.abort()
        return "421 closing"  # never read: the connection is gone


@contextlib.contextmanager
def running_sink() -> Iterator[SmtpSink]:
    """A started sink, stopped on the way out; aiosmtpd's log of every command kept quiet."""
    aiosmtpd_log = logging.getLogger("mail.log")
    level = aiosmtpd_log.level
    aiosmtpd_log.setLevel(logging.WARNING)  # it logs every command at INFO
    sink = SmtpSink().start()
    try:
        yield sink
    finally:
        sink.stop()
        aiosmtpd_log.setLevel(level)
