"""Fixtures of the reliability tests: real processes (an SMTP sink, a private Redis, Celery
workers, gunicorn) that each test stops at its end, failed or not. The machinery is in
``tests.support``.

Everything these tests start uses Redis database 7 or a private redis-server, never the database
another part of the suite (or a developer) works in.
"""

import pytest

from tests.support.processes import Process, Web, start_celery_worker, start_gunicorn
from tests.support.redis_server import REDIS_URL, PrivateRedis, flush
from tests.support.smtp import SmtpSink, running_sink


@pytest.fixture
def smtp_sink():
    with running_sink() as sink:
        yield sink


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


@pytest.fixture
def private_redis(processes, tmp_path):
    server = PrivateRedis(processes, tmp_path)
    server.start()
    return server


@pytest.fixture
def start_worker(processes):
    """Start a Celery worker on a broker (Redis database 7 unless told), sending over SMTP to a
    sink. Database 7 is emptied before and after the test, so no task of another run is left."""
    flush(REDIS_URL)

    def start(*, sink: SmtpSink, broker: str = REDIS_URL) -> Process:
        return start_celery_worker(processes, smtp_port=sink.port, broker=broker)

    try:
        yield start
    finally:
        flush(REDIS_URL)


@pytest.fixture
def start_private_worker(processes, private_redis):
    """Start a Celery worker whose broker is the test's own redis-server (which starts empty)."""

    def start(*, sink: SmtpSink) -> Process:
        return start_celery_worker(processes, smtp_port=sink.port, broker=private_redis.url)

    return start


@pytest.fixture
def start_web(processes):
    """Start gunicorn against the test database and a Redis (database 7 unless told) for its
    broker and cache, with ``env`` added to its environment; returns it once /health/ answers."""
    used = set()

    def start(name: str, *, redis_url: str = REDIS_URL, **env) -> Web:
        used.add(redis_url)
        return start_gunicorn(processes, name, redis_url=redis_url, **env)

    try:
        yield start
    finally:
        if REDIS_URL in used:
            flush(REDIS_URL)
