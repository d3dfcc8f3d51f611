"""A live link's token (redemption, password, join or request link) never reaches a log: not
gunicorn's access or error log, not Django's request warnings, not runserver's request lines, in
text or JSON. And a seat action's JSON line
carries its ids as fields."""

import contextlib
import io
import json
import logging
import re
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailConfirmationHMAC
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.log import configure_logging
from gunicorn.app.wsgiapp import WSGIApplication

from accounts.emails import password_link_context
from joins import tokens as join_tokens
from joins.services import replace_request_link
from seats import services
from seatstore.logs import DJANGO_LOGGERS, REDACTED, JsonFormatter
from seatstore.middleware import RequestIdFilter
from tests.factories import UserFactory, make_join_link
from tests.support.links import link_path

DOCKERFILE = Path(__file__).resolve().parents[2] / "Dockerfile"


@pytest.fixture(
    params=["redemption", "password", "old password", "confirmation", "join", "request"]
)
def live_link(request, redemption, order):
    """(path, token) of a link as emailed or shared: a redemption link, a password link (as sent
    now, and as sent before the accounts moved to allauth), an address confirmation link, a join
    link or a group's request link."""
    if request.param == "redemption":
        path = link_path(redemption)
        return path, path.split("/")[-2]
    if request.param == "join":
        _link, token = make_join_link(order)
        return reverse("join", args=[token]), token
    if request.param == "request":
        link = replace_request_link(group=order.owner_group, actor=order.buyer)
        token = join_tokens.token_for(link.token_nonce)
        return reverse("request_seat_link", args=[token]), token
    user = UserFactory(verified=request.param != "confirmation")
    if request.param == "confirmation":
        key = EmailConfirmationHMAC(user.emailaddress_set.get()).key
        return reverse("account_confirm_email", args=[key]), key
    if request.param == "password":
        path = password_link_context(user)["set_password_url"].removeprefix(settings.SITE_URL)
        return path, path.split("/")[-2]  # <uidb36>-<token>: the whole segment is redacted
    token = default_token_generator.make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_reset_confirm", args=[uid, token]), token


# --- gunicorn --------------------------------------------------------------------------------


def _gunicorn_logger(tmp_path, monkeypatch, **overrides):
    """The logger gunicorn makes from the container's command line, writing to files."""
    command = json.loads(re.search(r"^CMD (.*)$", DOCKERFILE.read_text(), re.M).group(1))
    monkeypatch.setattr(sys, "argv", command)
    cfg = WSGIApplication().cfg
    overrides |= {
        "accesslog": str(tmp_path / "access.log"),
        "errorlog": str(tmp_path / "error.log"),
    }
    for name, value in overrides.items():
        cfg.set(name, value)
    return cfg.logger_class(cfg)


def _access(logger, path, *, query="", referer="-"):
    """What a gunicorn worker passes the logger once it answered a request."""
    uri = f"{path}?{query}" if query else path
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "Mail/1.0",
    }
    request = SimpleNamespace(headers=[("REFERER", referer), ("USER-AGENT", "Mail/1.0")])
    response = SimpleNamespace(status="302 Found", headers=[("Location", "/next/")], sent=0)
    logger.access(response, request, environ, timedelta(milliseconds=12))


@pytest.mark.parametrize(
    "access_log_format",
    [
        None,  # gunicorn's default, the combined format
        "%(r)s %(U)s %(q)s %(f)s %({referer}i)s %({raw_uri}e)s %({path_info}e)s",
    ],
)
def test_gunicorn_access_lines_leave_out_the_token(
    live_link, tmp_path, monkeypatch, access_log_format
):
    path, token = live_link
    overrides = {"access_log_format": access_log_format} if access_log_format else {}
    logger = _gunicorn_logger(tmp_path, monkeypatch, **overrides)

    _access(logger, path)
    _access(
        logger, reverse("account_login"), query=f"next={path.replace('/', '%2F')}", referer=path
    )

    lines = (tmp_path / "access.log").read_text().splitlines()
    assert len(lines) == 2
    assert f"GET {path.replace(token, REDACTED)} HTTP/1.1" in lines[0]
    assert token not in "\n".join(lines)
    assert all(REDACTED in line for line in lines)


def test_gunicorn_error_lines_leave_out_the_token(live_link, tmp_path, monkeypatch):
    path, token = live_link
    logger = _gunicorn_logger(tmp_path, monkeypatch)

    try:
        raise ConnectionResetError(f"client went away during {path}")
    except ConnectionResetError:
        logger.exception("Error handling request %s", path)

    written = (tmp_path / "error.log").read_text()
    assert "Error handling request" in written and "client went away" in written
    assert token not in written


# --- Django ----------------------------------------------------------------------------------


def _console():
    """The handler our LOGGING settings write every line through."""
    return next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RequestIdFilter) for f in handler.filters)
    )


@contextlib.contextmanager
def _console_output(formatter: logging.Formatter):
    handler = _console()
    stream, saved_formatter = io.StringIO(), handler.formatter
    previous = handler.setStream(stream)
    handler.setFormatter(formatter)
    try:
        yield stream
    finally:
        handler.setStream(previous)
        handler.setFormatter(saved_formatter)


def _hostile_requests(path: str, settings) -> None:
    """Requests that make Django log the link's path: a POST without a CSRF cookie (a bot
    replaying the link), and for a redemption link, opening it once too often (the callers hold
    the clock, so both opens fall in one rate-limit window)."""
    Client(enforce_csrf_checks=True).post(path)
    if path.startswith("/redeem/"):
        settings.REDEEM_RATE_LIMIT = 1
        client = Client()
        assert [client.get(path).status_code for _ in range(2)] == [302, 429]


@pytest.mark.parametrize(
    "formatter",
    [
        logging.Formatter(settings.LOGGING["formatters"]["text"]["format"]),
        JsonFormatter(),
    ],
    ids=["text", "json"],
)
def test_django_request_warnings_leave_out_the_token(live_link, settings, formatter, clock):
    path, token = live_link

    with _console_output(formatter) as output:
        _hostile_requests(path, settings)

    written = output.getvalue()
    assert "Forbidden (CSRF cookie not set.)" in written
    assert token not in written
    assert REDACTED in written


@contextlib.contextmanager
def _logging_configured(logging_settings: dict):
    """Logging configured as Django does at start-up, every stream sent to one buffer."""
    output = io.StringIO()
    try:
        with contextlib.redirect_stderr(output):
            configure_logging(settings.LOGGING_CONFIG, logging_settings)
        yield output
    finally:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


def _runserver_request_line(path: str, status: int) -> None:
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request, handler.requestline = None, f"GET {path} HTTP/1.1"
    handler.log_request(status, 0)


def test_runserver_and_djangos_own_handlers_leave_out_the_token(live_link, settings, clock):
    """With Django's loggers routed through our console (``DJANGO_LOGGERS`` in LOGGING), as in
    development: runserver's request lines and, in DEBUG, Django's own copy of every warning."""
    path, token = live_link
    settings.DEBUG = True

    with _logging_configured({**settings.LOGGING, "loggers": DJANGO_LOGGERS}) as output:
        _runserver_request_line(path, 302)
        _runserver_request_line(path, 404)
        _hostile_requests(path, settings)

    written = output.getvalue()
    assert f'"GET {path.split(token)[0]}{REDACTED}' in written
    assert "Forbidden (CSRF cookie not set.)" in written
    assert token not in written


# --- JSON lines ---------------------------------------------------------------------------------


def test_seat_actions_log_the_seat_id_as_a_field(caplog, order, agent):
    seat = order.seats.first()
    with caplog.at_level(logging.INFO, logger="seats"):
        services.assign_seat(seat=seat, actor=agent, email="logged@example.com")
    record = next(r for r in caplog.records if r.name == "seats")
    line = json.loads(JsonFormatter().format(record))
    assert line["seat_id"] == seat.pk
    assert line["action"] == "assign"
    assert line["actor_id"] == agent.pk
