"""Site-wide behaviour: health endpoint, security headers, request ids in logs."""

import json
import logging
import subprocess
import sys

import pytest

from seats import services
from seatstore.celery import app
from seatstore.logs import JsonFormatter
from tests import factories

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_broker(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "eager", "status": "ok"}


def test_health_reports_a_broker_outage_but_keeps_the_process_in_service(
    client, settings, monkeypatch
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/health/")
    assert response.status_code == 200  # a load balancer keeps sending people here
    assert response.json()["broker"].startswith("error")
    assert response.json()["database"] == "ok"
    assert response.json()["status"] == "degraded"


def test_pages_carry_a_content_security_policy_and_a_request_id(client):
    response = client.get("/account/login/", HTTP_X_REQUEST_ID="abc-123")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Request-ID"] == "abc-123"
    assert len(client.get("/account/login/")["X-Request-ID"]) == 32


def test_seat_actions_log_the_seat_id_as_a_field(caplog, order, agent):
    seat = order.seats.first()
    with caplog.at_level(logging.INFO, logger="seats"):
        services.assign_seat(seat=seat, actor=agent, email="logged@example.com")
    record = next(r for r in caplog.records if r.name == "seats")
    line = json.loads(JsonFormatter().format(record))
    assert line["seat_id"] == seat.pk
    assert line["action"] == "assign"
    assert line["actor_id"] == agent.pk


def test_production_settings_pass_the_deploy_checks(monkeypatch):
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60 + "-production-like-secret-key-0123456789",
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": "sqlite:////tmp/seatstore-deploy-check.db",
        "CAMPUS_CALLBACK_SECRET": "campus-" + "z" * 48,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_demo_outbox_is_not_mounted_in_production(monkeypatch):
    factories.UserFactory()  # a database exists; the URLconf decides
    code = (
        "import django; django.setup(); from django.urls import resolve, Resolver404\n"
        "try:\n resolve('/dev/outbox/'); print('mounted')\n"
        "except Resolver404: print('absent')"
    )
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "y" * 64,
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "seatstore.settings",
    }
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.stdout.strip() == "absent", result.stderr


def test_sign_in_attempts_are_rate_limited_per_client(client, settings, learner):
    settings.LOGIN_RATE_LIMIT = 3
    for _ in range(3):
        response = client.post("/account/login/", {"username": learner.email, "password": "no"})
        assert response.status_code == 200
    response = client.post("/account/login/", {"username": learner.email, "password": "no"})
    assert response.status_code == 429
    assert client.get("/account/login/").status_code == 200  # reading the page stays free


def test_password_reset_requests_are_rate_limited(client, settings):
    settings.PASSWORD_RESET_RATE_LIMIT = 2
    answers = [
        client.post("/account/password/reset/", {"email": "a@example.com"}).status_code
        for _ in range(3)
    ]
    assert answers == [302, 302, 429]


def test_every_periodic_task_names_a_registered_task(settings):
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


def settings_with(env: dict, *names: str) -> dict:
    """The values of settings ``names`` in a process started with only ``env`` set."""
    code = (
        "import json; from django.conf import settings\n"
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "seatstore.settings", **env}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sessions_never_depend_on_redis_and_a_silent_redis_is_given_up_on_quickly():
    values = settings_with(
        {"REDIS_URL": "redis://redis.example:6379/0"},
        "SESSION_ENGINE",
        "REDIS_CONNECT_TIMEOUT",
        "CACHES",
        "CELERY_BROKER_CONNECTION_TIMEOUT",
        "CELERY_BROKER_TRANSPORT_OPTIONS",
    )
    assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    timeout = values["REDIS_CONNECT_TIMEOUT"]
    assert 0 < timeout <= 1
    assert values["CACHES"]["default"]["OPTIONS"]["socket_connect_timeout"] == timeout
    assert values["CELERY_BROKER_CONNECTION_TIMEOUT"] == timeout
    assert values["CELERY_BROKER_TRANSPORT_OPTIONS"]["socket_connect_timeout"] == timeout


def test_the_webhook_provider_follows_the_email_backend_and_an_empty_secret_is_no_secret():
    values = settings_with(
        {"EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend", "ANYMAIL_WEBHOOK_SECRET": ""},
        "EMAIL_TRACKING_PROVIDER",
        "ANYMAIL",
    )
    assert values == {"EMAIL_TRACKING_PROVIDER": "postmark", "ANYMAIL": {}}
