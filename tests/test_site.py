"""Site-wide behaviour: health endpoint, security headers, request ids in logs."""

import json
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

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


COMPOSE_FILE = Path(django_settings.BASE_DIR) / "docker-compose.yml"
COMPOSE_VARIABLE = re.compile(r"\$\{(\w+)(?::-([^}]*))?\}")


def compose_environment(service: str, shell: dict) -> dict:
    """The environment docker-compose gives ``service`` when the shell sets only ``shell``: the
    variables of the ``&app-env`` anchor, which the services take in through ``<<: *app``, each
    ``${NAME:-default}`` resolved. A reader for the flat shape of our compose file, not for YAML
    at large: it fails rather than guess when that shape changes."""
    lines = COMPOSE_FILE.read_text().splitlines()
    service_block = _indented_block(lines, f"  {service}:")
    assert "    <<: *app" in service_block, f"{service} no longer takes the app's settings"
    assert not any(line.startswith("    environment:") for line in service_block)
    environment = {}
    for line in _indented_block(lines, "  environment: &app-env"):
        entry = line.split(" #", 1)[0].strip()
        if entry and not entry.startswith("#"):
            name, value = entry.split(": ", 1)
            environment[name] = COMPOSE_VARIABLE.sub(
                lambda match: shell.get(match[1]) or (match[2] or ""), value.strip('"')
            )
    return environment


def _indented_block(lines: list[str], header: str) -> list[str]:
    """The lines under ``header``, up to the next line indented as little as it."""
    start = lines.index(header) + 1
    depth = len(header) - len(header.lstrip())
    block = []
    for line in lines[start:]:
        if line.strip() and len(line) - len(line.lstrip()) <= depth:
            break
        block.append(line)
    return block


def test_the_compose_stack_passes_the_deploy_checks_with_its_defaults():
    secrets = {  # what the README has the operator generate; everything else is a default
        "SECRET_KEY": "compose-" + "k" * 60,
        "CAMPUS_CALLBACK_SECRET": "campus-" + "c" * 48,
    }
    environment = compose_environment("web", secrets)
    assert environment["DEBUG"] == "0"
    assert secrets.items() <= environment.items()
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", **environment},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_behind_the_compose_proxy_pages_are_served_over_https_only(client, settings):
    environment = compose_environment("web", {"SECRET_KEY": "k" * 60})
    values = settings_with(
        environment, "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT"
    )
    settings.SECURE_PROXY_SSL_HEADER = tuple(values["SECURE_PROXY_SSL_HEADER"])
    settings.SECURE_SSL_REDIRECT = values["SECURE_SSL_REDIRECT"]
    settings.SECURE_REDIRECT_EXEMPT = values["SECURE_REDIRECT_EXEMPT"]

    plain = client.get("/account/login/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    proxied = client.get("/account/login/", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
    assert client.get("/health/").status_code == 200  # the compose healthcheck, inside


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose is not installed")
def test_the_compose_file_is_valid():
    result = subprocess.run(
        ["docker-compose", "-f", str(COMPOSE_FILE), "config", "--quiet"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_without_a_proxy_in_front_no_client_can_claim_https():
    production = {"DEBUG": "0", "SECRET_KEY": "k" * 60}
    assert settings_with(production, "SECURE_PROXY_SSL_HEADER") == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]
    }
    assert settings_with(
        {**production, "SECURE_PROXY_SSL_HEADER": ""}, "SECURE_PROXY_SSL_HEADER"
    ) == {"SECURE_PROXY_SSL_HEADER": None}
