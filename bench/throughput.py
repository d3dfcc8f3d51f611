"""Figure 3: the order page under gunicorn (2 sync workers) and wrk (16 connections), against a
minimal three-query page served the same way."""

import os
import re
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from .common import Figure, analyze
from .data import assign_some, paid_order, store_with_agent

PORT = int(os.environ.get("BENCH_PORT", "8391"))  # another free port beside other runs
ROOT = Path(__file__).resolve().parent.parent
DURATION = "10s"


def session_cookie(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


@contextmanager
def gunicorn():
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "seatstore.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/account/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def wrk(path: str, header: str) -> tuple[float, float]:
    """(requests per second, p99 in ms) of GET path sent with ``header`` (a session cookie, an
    API key); non-2xx answers make the run invalid."""
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c16",
            f"-d{DURATION}",
            "--latency",
            "-H",
            header,
            f"http://127.0.0.1:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"{path} answered errors under load:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    return rate, float(p99) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def run() -> list[Figure]:
    store, group, agent, product = store_with_agent()
    order = paid_order(store, group, agent, product, 2_000)
    assign_some(order, agent, 1_000, "load")
    analyze()
    cookie = f"Cookie: {session_cookie(agent)}"
    with gunicorn():
        wrk(f"/account/orders/{order.pk}/", cookie)  # warm both workers
        page_rate, page_p99 = wrk(f"/account/orders/{order.pk}/", cookie)
        ref_rate, ref_p99 = wrk(f"/bench/minimal/{order.pk}/", cookie)
    return [
        Figure(
            number=3,
            name="order page under gunicorn, 16 connections",
            value=page_rate,
            unit="req/s",
            reference_name="minimal 3-query page",
            reference=ref_rate,
            target=">= 0.5x, p99 <= 2x",
            ok=page_rate >= 0.5 * ref_rate and page_p99 <= 2 * ref_p99,
            notes={"p99 order page (ms)": page_p99, "p99 minimal page (ms)": ref_p99},
        )
    ]
