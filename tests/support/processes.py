"""Real processes for a test: a subprocess in its own process group with its output in a log
file, and the starters of the ones the reliability tests run (a Celery worker, gunicorn), each
returned once it serves. They use the test database and a Redis the caller names."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from tests.support.waiting import wait_for

BASE_DIR = Path(__file__).resolve().parents[2]
SHARED_SECRET_KEY = "reliability-tests-shared-secret-key-0123456789abcdefghijklmnopqrstuv"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database, for processes started by a test (it is what the test process uses)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


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


# What starts a process for a test: (name, args, env) -> Process; the ``processes`` fixture's.
StartProcess = Callable[[str, list[str], dict], Process]


def base_env(**extra) -> dict:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "seatstore.settings",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": SHARED_SECRET_KEY,
        "SITE_URL": "http://testserver",
        "LOG_FORMAT": "text",
        **extra,
    }


def start_celery_worker(
    start_process: StartProcess, *, smtp_port: int, broker: str, **extra_env
) -> Process:
    """A Celery worker (solo pool) on ``broker``, sending over SMTP to ``smtp_port``, with
    ``extra_env`` added to its environment, once it consumes."""
    env = base_env(
        REDIS_URL=broker,
        CELERY_TASK_ALWAYS_EAGER="0",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        **extra_env,
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


@dataclass
class Web:
    url: str
    process: Process


def start_gunicorn(start_process: StartProcess, name: str, *, redis_url: str, **env) -> Web:
    """``gunicorn seatstore.wsgi`` (one worker) on a free port against the test database and
    ``redis_url`` for its broker and cache, with ``env`` added to its environment, once /health/
    answers."""
    port = free_port()
    env = base_env(REDIS_URL=redis_url, DEBUG="1", CONN_MAX_AGE="0", **env)
    web = start_process(
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
