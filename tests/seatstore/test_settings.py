"""The settings: production hardening passes the deploy checks (also as docker-compose runs
them), Redis is never needed for sessions, and every periodic task exists."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from seatstore.celery import app

pytestmark = pytest.mark.django_db


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


def test_behind_the_compose_proxy_each_client_is_limited_on_its_own(client, settings, clock):
    """Caddy sets X-Forwarded-For to the client's address; were it ignored, every visitor would
    share the proxy's address and a few bad sign-ins would lock everybody out."""
    environment = compose_environment("web", {"SECRET_KEY": "k" * 60})
    settings.RATELIMIT_TRUSTED_PROXIES = settings_with(environment, "RATELIMIT_TRUSTED_PROXIES")[
        "RATELIMIT_TRUSTED_PROXIES"
    ]
    settings.REDEEM_RATE_LIMIT = 1
    link = "/redeem/" + "f" * 64 + "/"
    proxy = {"REMOTE_ADDR": "172.18.0.5"}
    assert client.get(link, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code != 429
    assert client.get(link, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 429
    assert client.get(link, HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy).status_code != 429


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
