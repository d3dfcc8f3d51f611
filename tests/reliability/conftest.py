"""What the reliability tests share: threads racing on PostgreSQL, and real processes (an SMTP
sink, a private Redis, Celery workers, gunicorn) that each test stops at its end, failed or not.

Everything these tests start uses Redis database 7 or a private redis-server, never the database
another part of the suite (or a developer) works in.
"""

import contextlib
import email
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from celery import _state as celery_state
from django.db import connection

from core.errors import SeatActionError

REDIS_URL = "redis://127.0.0.1:6379/7"
BASE_DIR = Path(__file__).resolve().parents[2]
DEADLINE = 60  # seconds: a generous bound for a process to start or a batch to be sent
SHARED_SECRET_KEY = "reliability-tests-shared-secret-key-0123456789abcdefghijklmnopqrstuv"
# This machine's PostgreSQL allows 100 connections, shared with whatever else runs; racing
# threads take turns for these many, all released at the same moment.
DB_SLOTS = 40


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable, *, what: str, timeout: float = DEADLINE, explain=None):
    """Poll ``condition`` until it returns something true, or fail after ``timeout`` seconds
    saying what did not happen (and ``explain()``, e.g. a process's log)."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            detail = f"\n{explain()}" if explain else ""
            raise AssertionError(f"{what}: not within {timeout} s{detail}")
        time.sleep(0.05)


def database_url() -> str:
    """The test database, for processes started by a test (it is what the test process uses)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


# --- Threads ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _celery_join_flag_restored():
    """An eager task (the emails an action queues) sets Celery's process-wide "inside a task" flag
    while it runs and restores it after; tasks in several threads at once can leave it set, and
    every later ``result.get()`` in this process would then refuse to run."""
    before = celery_state.task_join_will_block()
    yield
    celery_state._set_task_join_will_block(before)


class Race:
    """The outcome of racing calls: what they returned, the refusals a person would read, and
    anything else they raised (a crash, which a test shows rather than hides)."""

    def __init__(self):
        self.results, self.refusals, self.crashes = [], [], []
        self._lock = threading.Lock()

    def record(self, kind: str, value) -> None:
        with self._lock:
            getattr(self, kind).append(value)

    def assert_no_crash(self) -> None:
        assert not self.crashes, "\n\n".join(self.crashes)


def race(calls: list[Callable], *, slots: int = DB_SLOTS) -> Race:
    """Run each call in its own thread, all released together by a barrier; at most ``slots``
    hold a database connection at a time. Each thread closes its connection when done."""
    outcome = Race()
    barrier = threading.Barrier(len(calls))
    gate = threading.BoundedSemaphore(slots)

    def run(call):
        barrier.wait()
        with gate:
            try:
                outcome.record("results", call())
            except SeatActionError as refusal:
                outcome.record("refusals", refusal)
            except Exception:
                outcome.record("crashes", traceback.format_exc())
            finally:
                connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DEADLINE)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"
    return outcome


# --- SMTP sink -------------------------------------------------------------------------------


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


@pytest.fixture
def smtp_sink():
    aiosmtpd_log = logging.getLogger("mail.log")
    level = aiosmtpd_log.level
    aiosmtpd_log.setLevel(logging.WARNING)  # it logs every command at INFO
    sink = SmtpSink().start()
    try:
        yield sink
    finally:
        sink.stop()
        aiosmtpd_log.setLevel(level)


# --- Processes -------------------------------------------------------------------------------


class Process:
    """A subprocess in its own process group, with its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict, log_dir: Path):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("w")
        self.popen = subprocess.Popen(
            args,
            cwd=BASE_DIR,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def require_alive(self) -> None:
        assert self.alive(), f"{self.name} died:\n{self.log()}"

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (a worker's or gunicorn's children too) and wait for
        the leader."""
        with contextlib.suppress(ProcessLookupError):  # the group is gone already
            os.killpg(self.popen.pid, sig)
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()
        self._log.close()


@pytest.fixture
def processes(transactional_db, tmp_path):
    """Start processes for one test; every one of them is killed when the test ends, before the
    test database is emptied (a process stuck in a transaction would block that)."""
    started: list[Process] = []

    def start(name: str, args: list[str], env: dict) -> Process:
        process = Process(name, args, env, tmp_path)
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in reversed(started):
            process.kill()


def base_env(**extra) -> dict:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "seatstore.settings",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": SHARED_SECRET_KEY,
        "SITE_URL": "http://testserver",
        "LOG_FORMAT": "text",
        **extra,
    }


class PrivateRedis:
    """A redis-server of our own on a free port, which a test may stop and start again."""

    def __init__(self, start_process, tmp_path: Path):
        self._start_process = start_process
        self._dir = tmp_path
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: Process | None = None

    def start(self) -> None:
        self.process = self._start_process(
            f"redis-{self.port}",
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self._dir)],
            os.environ.copy(),
        )  # fmt: skip
        wait_for(self._answers, what="the private redis-server to start", explain=self.process.log)

    def stop(self) -> None:
        self.process.kill(signal.SIGTERM)
        assert not self._answers()

    def _answers(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
        except redis.ConnectionError:
            return False


@pytest.fixture
def private_redis(processes, tmp_path):
    server = PrivateRedis(processes, tmp_path)
    server.start()
    return server


def _flush(broker: str) -> None:
    """Empty a broker's Redis database of tasks an earlier run left behind."""
    redis.Redis.from_url(broker).flushdb()


def _start_worker(start_process, *, sink: SmtpSink, broker: str) -> Process:
    """A Celery worker (solo pool) on ``broker``, sending over SMTP to ``sink``, once it
    consumes."""
    env = base_env(
        REDIS_URL=broker,
        CELERY_TASK_ALWAYS_EAGER="0",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.port),
    )
    name = f"worker-{uuid.uuid4().hex[:8]}"
    worker = start_process(
        name,
        [sys.executable, "-m", "celery", "-A", "seatstore", "worker", "--pool=solo",
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-n", f"{name}@%h"],
        env,
    )  # fmt: skip
    wait_for(
        lambda: worker.require_alive() or " ready." in worker.log(),
        what=f"{name} to start",
        explain=worker.log,
    )
    return worker


@pytest.fixture
def start_worker(processes):
    """Start a Celery worker on a broker (Redis database 7 unless told), sending over SMTP to a
    sink. Database 7 is emptied before and after the test, so no task of another run is left."""
    _flush(REDIS_URL)

    def start(*, sink: SmtpSink, broker: str = REDIS_URL) -> Process:
        return _start_worker(processes, sink=sink, broker=broker)

    try:
        yield start
    finally:
        _flush(REDIS_URL)


@pytest.fixture
def start_private_worker(processes, private_redis):
    """Start a Celery worker whose broker is the test's own redis-server (which starts empty)."""

    def start(*, sink: SmtpSink) -> Process:
        return _start_worker(processes, sink=sink, broker=private_redis.url)

    return start


@dataclass
class Web:
    url: str
    process: Process


@pytest.fixture
def start_web(processes):
    """Start ``gunicorn seatstore.wsgi`` (one worker) on a free port against the test database and
    a Redis (database 7 unless told) for its broker and cache, with ``env`` added to its
    environment; returns it once /health/ answers."""
    used = set()

    def start(name: str, *, redis_url: str = REDIS_URL, **env) -> Web:
        used.add(redis_url)
        port = free_port()
        env = base_env(REDIS_URL=redis_url, DEBUG="1", CONN_MAX_AGE="0", **env)
        web = processes(
            name,
            [sys.executable, "-m", "gunicorn", "seatstore.wsgi", "--workers", "1",
             "--bind", f"127.0.0.1:{port}"],
            env,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"

        def healthy() -> bool:
            web.require_alive()
            try:
                with urllib.request.urlopen(f"{base}/health/", timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_for(healthy, what=f"{name} to serve", explain=web.log)
        return Web(base, web)

    try:
        yield start
    finally:
        if REDIS_URL in used:
            _flush(REDIS_URL)
