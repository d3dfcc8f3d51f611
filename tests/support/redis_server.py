"""The Redis the reliability tests use: database 7 of the shared server, never the database
another part of the suite (or a developer) works in, or a redis-server of the test's own."""

import os
import signal
from pathlib import Path

import redis

from tests.support.processes import Process, StartProcess, free_port
from tests.support.waiting import wait_for

REDIS_URL = "redis://127.0.0.1:6379/7"


def flush(url: str) -> None:
    """Empty a broker's Redis database of tasks an earlier run left behind."""
    redis.Redis.from_url(url).flushdb()


class PrivateRedis:
    """A redis-server of our own on a free port, which a test may stop and start again."""

    def __init__(self, start_process: StartProcess, tmp_path: Path):
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
